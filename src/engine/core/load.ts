// Loads the engine: the SIMD build where the runtime validates SIMD, else the scalar build, which
// has identical exports. Works in Node (bytes from dist/), browsers and workers (fetch a URL).
// The instance's exports are checked against ENGINE_FUNCTIONS when loaded, never cast: a module that
// lacks a function the TypeScript calls fails here with a message, not later with "not a function".
export interface EngineExports {
  memory: WebAssembly.Memory;
  init(l2Slices: number, memoryLimit: number): number;
  alloc(bytes: number): number;
  free(ptr: number, bytes: number): void;
  memoryInUse(): number;
  memoryPin(delta: number): number;
  memoryRefusedPinned(): number;
  requestsPtr(): number;
  requestCount(): number;
  ioDone(ok: number): void;
  errorField(): number;
  errorOffset(): number;
  errorValue(): number;
  errorSlot(): number;
  layerCreate(fileSize: number, hint: number): number;
  layerOpen(slot: number): number;
  layerClose(slot: number): void;
  layerSetBacking(slot: number, backing: number): number;
  layerSetDataFile(slot: number, size: number): number;
  layerSetMetaPrealloc(slot: number, on: number): void;
  layerGet(slot: number, key: number): number;
  runsPtr(): number;
  runCount(): number;
  chainStatus(top: number, pos: number, len: number): number;
  readGuest(top: number, pos: number, len: number, dst: number): number;
  readPlannedBytes(): number;
  snapshotsLoad(slot: number): number;
  snapshotsPtr(): number;
  snapshotsCount(): number;
  snapshotsFree(): void;
  bitmapsLoad(slot: number): number;
  bitmapsPtr(): number;
  bitmapsCount(): number;
  bitmapsFree(): void;
  checkRun(slot: number): number;
  checkValue(key: number): number;
  checkEnd(): void;
  checkExtra(i: number, field: number): number;
  checkZeroFix(i: number): number;
  checkEventCount(): number;
  checkEvent(i: number, field: number): number;
  checkEventHi(i: number, field: number): number;
  l2Scan(ptr: number, entryBytes: number, entries: number): number;
  l2RunsPtr(): number;
  l2RunsFirstUsed(): number;
  l2ScanEntries(): number;
  zeroScan(ptr: number, len: number, gran: number, first: number): number;
  zeroRunsPtr(): number;
  zeroRunsFirstIsZero(): number;
  zeroRunCount(): number;
  isZero(ptr: number, len: number): number;
}

/** Every function of EngineExports, checked on the instance at load. */
export const ENGINE_FUNCTIONS = [
  'init',
  'alloc',
  'free',
  'memoryInUse',
  'memoryPin',
  'memoryRefusedPinned',
  'requestsPtr',
  'requestCount',
  'ioDone',
  'errorField',
  'errorOffset',
  'errorValue',
  'errorSlot',
  'layerCreate',
  'layerOpen',
  'layerClose',
  'layerSetBacking',
  'layerSetDataFile',
  'layerSetMetaPrealloc',
  'layerGet',
  'runsPtr',
  'runCount',
  'chainStatus',
  'readGuest',
  'readPlannedBytes',
  'snapshotsLoad',
  'snapshotsPtr',
  'snapshotsCount',
  'snapshotsFree',
  'bitmapsLoad',
  'bitmapsPtr',
  'bitmapsCount',
  'bitmapsFree',
  'checkRun',
  'checkValue',
  'checkEnd',
  'checkExtra',
  'checkZeroFix',
  'checkEventCount',
  'checkEvent',
  'checkEventHi',
  'l2Scan',
  'l2RunsPtr',
  'l2RunsFirstUsed',
  'l2ScanEntries',
  'zeroScan',
  'zeroRunsPtr',
  'zeroRunsFirstIsZero',
  'zeroRunCount',
  'isZero',
] as const satisfies readonly (keyof EngineExports)[];

// A function added to EngineExports but not to the list above fails to compile here.
type Unlisted = Exclude<keyof EngineExports, (typeof ENGINE_FUNCTIONS)[number] | 'memory'>;
const listedAll: [Unlisted] extends [never] ? true : Unlisted = true;
void listedAll;

/** The engine's exports with their types, when the module really has them all. */
export function isEngineExports(e: WebAssembly.Exports): e is WebAssembly.Exports & EngineExports {
  return e.memory instanceof WebAssembly.Memory && ENGINE_FUNCTIONS.every((name) => typeof e[name] === 'function');
}

export type EngineFlavor = 'simd' | 'scalar';

// (module (func (result v128) (v128.const i64x2 0 0)))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 11,
]);

export function simdSupported(): boolean {
  return WebAssembly.validate(SIMD_PROBE);
}

export async function instantiateEngine(bytes: BufferSource): Promise<EngineExports> {
  const { instance } = await WebAssembly.instantiate(bytes, {
    env: {
      abort(_msg: number, _file: number, line: number, col: number) {
        throw new Error(`engine assertion failed at ${line}:${col}`);
      },
    },
  });
  const exports = instance.exports;
  if (!isEngineExports(exports)) {
    const missing = ENGINE_FUNCTIONS.filter((name) => typeof exports[name] !== 'function');
    throw new Error(`the engine module lacks ${missing.join(', ') || 'its memory'}: rebuild it (npm run build)`);
  }
  return exports;
}

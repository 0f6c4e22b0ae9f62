// Loads the engine: the SIMD build where the runtime validates SIMD, else the scalar build, which
// has identical exports. Works in Node (bytes from dist/), browsers and workers (fetch a URL).
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
}

export type EngineFlavor = 'simd' | 'scalar';

// (module (func (result v128) (v128.const i64x2 0 0)))
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 22, 1, 20, 0, 253, 12, 0, 0, 0, 0, 0, 0,
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 11,
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
  return instance.exports as unknown as EngineExports;
}

// Loads the engine: the SIMD build where the runtime validates SIMD, else the scalar build, which
// has identical exports. Works in Node (bytes from dist/), browsers and workers (fetch a URL).
// The exports' types are AssemblyScript's own: the build writes dist/engine.simd.d.ts (asconfig.json,
// `bindings: esm`) with every export's signature. The instance's exports are checked against
// ENGINE_FUNCTIONS when loaded, never cast: a module that lacks a function the TypeScript calls fails
// here with a message, not later with "not a function".
import type * as Bindings from '../../../dist/engine.simd.js';

type Exported = typeof Bindings;
/** The engine's exported functions, with the signatures asc generated (memory is typed apart). */
type EngineFunctions = {
  [K in keyof Exported as Exported[K] extends (...a: never[]) => unknown ? K : never]: Exported[K];
};

export type EngineExports = EngineFunctions & { memory: WebAssembly.Memory };

/** Every function the engine exports, checked on the instance at load. */
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
] as const satisfies readonly (keyof EngineFunctions)[];

// The list is the runtime check only; its names are tied to the generated bindings both ways: a name
// asc does not export fails the `satisfies` above, an export missing from the list fails here.
type Unlisted = Exclude<keyof EngineFunctions, (typeof ENGINE_FUNCTIONS)[number]>;
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

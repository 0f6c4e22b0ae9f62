// The engine's exports are checked when the module loads (no cast): the real build has every function
// the TypeScript calls; a module without them is refused with the names it lacks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINE_FUNCTIONS, instantiateEngine, isEngineExports } from '../../../src/engine/core/load.js';

const EMPTY_MODULE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);

describe('engine exports', () => {
  it.each(['simd', 'scalar'])('the %s build has every function of EngineExports', async (flavor) => {
    const x = await instantiateEngine(readFileSync(new URL(`../../../dist/engine.${flavor}.wasm`, import.meta.url)));
    expect(ENGINE_FUNCTIONS.filter((name) => typeof x[name] !== 'function')).toEqual([]);
    expect(x.memory).toBeInstanceOf(WebAssembly.Memory);
  });

  it('refuses a module that lacks them, naming what is missing', async () => {
    await expect(instantiateEngine(EMPTY_MODULE)).rejects.toThrow(/lacks init, alloc, .*isZero: rebuild/);
  });

  it('a module missing one function is not engine exports', async () => {
    const real = await instantiateEngine(readFileSync(new URL('../../../dist/engine.scalar.wasm', import.meta.url)));
    const all: WebAssembly.Exports = Object.fromEntries([
      ['memory', real.memory],
      ...ENGINE_FUNCTIONS.map((n) => [n, real[n]]),
    ]);
    const { isZero: _gone, ...rest } = all;
    expect(isEngineExports(all)).toBe(true);
    expect(isEngineExports(rest)).toBe(false);
  });
});

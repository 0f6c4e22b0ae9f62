// The worker's engine and its open images. The engine build (SIMD or scalar) is chosen by feature
// detection unless the bridge names one; images stay open between calls, keyed by the bridge, and
// are reopened from their ImageRef after a worker restart.
import { Engine } from '../src/engine/core/engine.js';
import { instantiateEngine, simdSupported, type EngineFlavor } from '../src/engine/core/load.js';
import { openChain, type Chain } from '../src/engine/read/chain.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import { openRef } from './open-ref.js';
import { mark } from './marks.js';
import type { ImageRef } from './types.js';

const MAX_OPEN = 8;

export interface EngineInit {
  /** Where engine.simd.wasm and engine.scalar.wasm are served. */
  wasmBase: string;
  flavor?: EngineFlavor;
}

export class EngineHost {
  private engine?: Promise<Engine>;
  private ready?: Engine;
  private readonly open = new Map<string, Promise<Chain>>();

  init(opts: EngineInit): Promise<Engine> {
    this.engine ??= (async () => {
      mark('init');
      const flavor = opts.flavor ?? (simdSupported() ? 'simd' : 'scalar');
      const res = await fetch(new URL(`engine.${flavor}.wasm`, opts.wasmBase));
      if (!res.ok)
        throw new VdiskError('E_NOT_FOUND', `engine.${flavor}.wasm: HTTP ${res.status}`, { hint: 'run npm run build' });
      this.ready = new Engine(await instantiateEngine(await res.arrayBuffer()), flavor);
      mark('wasm-ready');
      return this.ready;
    })();
    this.engine.catch(() => (this.engine = undefined));
    return this.engine;
  }

  /** Bytes the engine has allocated now (0 before it is loaded). */
  memoryInUse(): number {
    return this.ready?.x.memoryInUse() ?? 0;
  }

  get(): Promise<Engine> {
    if (!this.engine) throw new VdiskError('E_BAD_ARGUMENT', 'the worker was not initialised');
    return this.engine;
  }

  /** The open chain for `key`, opening `ref` the first time. */
  async chain(key: string, ref: ImageRef, signal?: AbortSignal): Promise<Chain> {
    let p = this.open.get(key);
    if (!p) {
      const engine = await this.get();
      p = (async () => {
        const { source, gate } = await openRef(ref, signal);
        return openChain(engine, source, { gate, format: ref.format });
      })();
      this.open.set(key, p);
      p.catch(() => this.open.delete(key));
      await this.evict();
    }
    return p;
  }

  async close(key: string): Promise<void> {
    const p = this.open.get(key);
    this.open.delete(key);
    await (await p?.catch(() => undefined))?.close();
  }

  async closeAll(): Promise<void> {
    for (const key of [...this.open.keys()]) await this.close(key);
  }

  get count(): number {
    return this.open.size;
  }

  private async evict(): Promise<void> {
    while (this.open.size > MAX_OPEN) await this.close(this.open.keys().next().value!);
  }
}

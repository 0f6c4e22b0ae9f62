// One live worker and its comlink proxy: started on demand, told which engine build to load,
// terminated when idle, after a crash, or when a cancelled call does not stop in time.
import { wrap, releaseProxy, type Remote } from 'comlink';
import type { EngineFlavor } from '../src/engine/core/load.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import type { EngineApi } from './engine-api.js';
import { mark } from './marks.js';

export interface SlotOptions {
  workerUrl: string | URL;
  wasmBase: string;
  flavor?: EngineFlavor;
  createWorker?: (url: string | URL) => Worker;
}

export interface LiveWorker {
  api: Remote<EngineApi>;
  flavor: EngineFlavor;
  /** Rejects when the worker dies (uncaught error in its scope). */
  died: Promise<never>;
}

export class WorkerSlot {
  private current?: { worker: Worker; live: Promise<LiveWorker> };
  /** How many workers this slot has started (a test sees a restart as a new number). */
  generation = 0;

  constructor(private readonly opts: SlotOptions) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  get(): Promise<LiveWorker> {
    if (!this.current) {
      mark('worker-start');
      const worker =
        this.opts.createWorker?.(this.opts.workerUrl) ??
        new Worker(this.opts.workerUrl, { type: 'module', name: 'vdisk-engine' });
      this.generation++;
      const died = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (ev) => {
          ev.preventDefault();
          reject(new VdiskError('E_WORKER_CRASHED', `the engine worker stopped: ${ev.message || 'no message'}`));
          this.terminate();
        });
      });
      died.catch(() => undefined);
      const api = wrap<EngineApi>(worker);
      const live = Promise.race([api.init({ wasmBase: this.opts.wasmBase, flavor: this.opts.flavor }), died]).then(
        (flavor) => {
          mark('worker-ready');
          return { api, flavor, died };
        },
      );
      live.catch(() => this.terminate());
      this.current = { worker, live };
    }
    return this.current.live;
  }

  terminate(): void {
    const c = this.current;
    if (!c) return;
    this.current = undefined;
    c.live.then(
      (l) => l.api[releaseProxy](),
      () => undefined,
    );
    c.worker.terminate();
  }
}

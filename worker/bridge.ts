// The main thread's handle on the engine worker. It owns the worker's life: calls queue one at a
// time, every call takes an AbortSignal (cancel asks the worker to stop and free its buffers; a
// worker that does not stop within `graceMs` is terminated and a fresh one starts on the next call),
// progress arrives through a proxied callback, errors arrive as VdiskErrors with their codes, and a
// worker idle for `idleMs` is terminated (images reopen from their refs when needed).
import { proxy, transfer, type Remote } from 'comlink';
import './error-transfer.js';
import type { EngineApi } from './engine-api.js';
import { SerialQueue } from './serial-queue.js';
import { WorkerSlot, type SlotOptions } from './worker-slot.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import { cancelledError } from './cancelled.js';
import type { CheckReport } from '../src/engine/read/check.js';
import type { OpfsEntry } from './opfs-files.js';
import type {
  ConvertRequest,
  ConvertResult,
  ImageRef,
  ImageSummary,
  MapPicture,
  ProgressFn,
  TargetRef,
  WorkerStats,
} from './types.js';

export interface BridgeOptions extends SlotOptions {
  idleMs?: number;
  graceMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: ProgressFn;
}

export interface ImageHandle {
  key: string;
  ref: ImageRef;
  summary: ImageSummary;
}

let seq = 0;
const nextId = (p: string) => `${p}-${++seq}`;

export class EngineBridge {
  private readonly slot: WorkerSlot;
  private readonly queue = new SerialQueue();
  private idleTimer?: ReturnType<typeof setTimeout>;

  constructor(private readonly opts: BridgeOptions) {
    this.slot = new WorkerSlot(opts);
  }

  /** Number of workers started so far; grows after a restart. */
  get generation(): number {
    return this.slot.generation;
  }
  get workerRunning(): boolean {
    return this.slot.running;
  }

  async open(ref: ImageRef, o: CallOptions = {}): Promise<ImageHandle> {
    const key = nextId('img');
    const summary = await this.call((api, id) => api.open(id, key, ref), o);
    return { key, ref, summary };
  }

  map(h: ImageHandle, buckets: number, o: CallOptions = {}): Promise<MapPicture> {
    return this.call((api, id) => api.map(id, h.key, h.ref, buckets), o);
  }

  check(h: ImageHandle, o: CallOptions = {}): Promise<CheckReport | null> {
    return this.call((api, id) => api.check(id, h.key, h.ref), o);
  }

  convert(h: ImageHandle, to: TargetRef, req: ConvertRequest, o: CallOptions = {}): Promise<ConvertResult> {
    const target = to.kind === 'stream' ? transfer(to, [to.stream as unknown as Transferable]) : to;
    return this.call((api, id) => api.convert(id, h.key, h.ref, target, req, o.onProgress && proxy(o.onProgress)), o);
  }

  importFile(file: Blob, path: string, o: CallOptions = {}): Promise<OpfsEntry> {
    return this.call((api, id) => api.importFile(id, file, path, o.onProgress && proxy(o.onProgress)), o);
  }

  listOpfs(): Promise<OpfsEntry[]> {
    return this.call((api) => api.listOpfs(), {});
  }
  removeOpfs(path: string): Promise<void> {
    return this.call((api) => api.removeOpfs(path), {});
  }
  close(h: ImageHandle): Promise<void> {
    return this.slot.running ? this.call((api) => api.close(h.key), {}) : Promise.resolve();
  }
  stats(): Promise<WorkerStats> {
    return this.call((api) => api.stats(), {});
  }

  /**
   * Starts the worker and compiles the engine now, before the first image is opened (the console
   * calls it at load, so picking a file does not wait for them). Idles out like any call.
   */
  warm(): Promise<void> {
    return this.call(async () => undefined, {}).catch(() => undefined);
  }

  /** Ends the worker now; queued calls start a fresh one. */
  terminate(): void {
    clearTimeout(this.idleTimer);
    this.slot.terminate();
  }

  private call<T>(work: (api: Remote<EngineApi>, id: string) => Promise<T>, o: CallOptions): Promise<T> {
    clearTimeout(this.idleTimer);
    const cancelled = () =>
      cancelledError(undefined, {
        reason: String((o.signal?.reason as Error)?.message ?? o.signal?.reason ?? ''),
      });
    const p = this.queue
      .push(() => this.runOne(work, o.signal, cancelled), o.signal)
      .catch((e) => {
        if (o.signal?.aborted && !(e instanceof VdiskError && e.code !== 'E_CANCELLED')) throw cancelled();
        throw e;
      });
    p.finally(() => this.armIdle()).catch(() => undefined);
    return p;
  }

  private async runOne<T>(
    work: (api: Remote<EngineApi>, id: string) => Promise<T>,
    signal: AbortSignal | undefined,
    cancelled: () => VdiskError,
  ): Promise<T> {
    const live = await this.slot.get();
    const id = nextId('call');
    let onAbort = () => {};
    let grace: ReturnType<typeof setTimeout> | undefined;
    const stopped = new Promise<never>((_, reject) => {
      onAbort = () => {
        live.api.cancel(id, String((signal?.reason as Error)?.message ?? 'cancelled')).catch(() => undefined);
        // A call that does not stop in time (a stuck read) takes its worker with it.
        grace = setTimeout(() => {
          this.slot.terminate();
          reject(new VdiskError('E_WORKER_UNRESPONSIVE'));
        }, this.opts.graceMs ?? 3000);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([work(live.api, id), live.died, stopped]);
    } catch (e) {
      // A cancelled call that could not free all its engine memory takes its worker with it.
      if (e instanceof VdiskError && Number(e.detail.leakedBytes) > 0) this.slot.terminate();
      if (signal?.aborted && !(e instanceof VdiskError && e.code === 'E_WORKER_UNRESPONSIVE')) throw cancelled();
      throw e;
    } finally {
      clearTimeout(grace);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private armIdle(): void {
    if (this.queue.size > 0) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.queue.size === 0) this.slot.terminate();
    }, this.opts.idleMs ?? 30_000);
  }
}

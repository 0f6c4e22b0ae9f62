// The engine API the worker exposes. Every long call carries an id the bridge can cancel; the
// work stops at its next step, frees its engine buffers and removes partial output.
import { releaseProxy, transfer } from 'comlink';
import { chainInfo } from '../src/engine/read/info.js';
import { checkLayer, type CheckReport } from '../src/engine/read/check.js';
import { OpfsTarget } from '../src/io/opfs-target.js';
import { opfsTimings } from '../src/io/opfs-sync-handle.js';
import { blobTimings } from '../src/io/blob-source.js';
import { httpCounters } from '../src/io/http-request.js';
import { DownloadTarget } from '../src/io/download-target.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import { cancelledError } from './cancelled.js';
import { EngineHost, type EngineInit } from './engine-host.js';
import { mapPicture } from '../src/engine/read/map-picture.js';
import { plannedTimings } from '../src/engine/read/planned-reads.js';
import { mapGap } from './map-gap.js';
import { mark, marks } from './marks.js';
import { convertImage } from '../src/engine/ops/index.js';
import { openRef } from './open-ref.js';
import { COPY_SHAPES } from './copy-shape.js';
import { listOpfs, removeOpfs, importToOpfs, type OpfsEntry } from './opfs-files.js';
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

const host = new EngineHost();
const calls = new Map<string, AbortController>();

/** Progress callbacks arrive as comlink proxies: release them, or their ports stay open. */
function release(fn: unknown): void {
  (fn as { [releaseProxy]?: () => void } | undefined)?.[releaseProxy]?.();
}

async function run<T>(id: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  calls.set(id, ac);
  const before = host.memoryInUse();
  try {
    return await work(ac.signal);
  } catch (e) {
    if (!ac.signal.aborted) throw e;
    // Whatever a cancelled call leaves allocated in the engine is reported: the bridge then replaces
    // the worker, so cancelling always gives the memory back.
    const leaked = host.memoryInUse() - before;
    throw cancelledError(
      `cancelled: ${String((ac.signal.reason as Error)?.message ?? ac.signal.reason)}`,
      leaked > 0 ? { leakedBytes: leaked } : {},
    );
  } finally {
    calls.delete(id);
  }
}

function summary(
  chain: Awaited<ReturnType<EngineHost['chain']>>,
  info: unknown[],
  flavor: 'simd' | 'scalar',
): ImageSummary {
  return {
    name: chain.top.source.name,
    virtualSize: chain.size,
    flavor,
    info,
    layers: chain.layers.map((l) => ({
      name: l.resolved ?? l.source.name,
      format: l.facts.format,
      virtualSize: l.facts.size,
      fileSize: l.source.size,
      clusterSize: l.facts.format === 'qcow2' ? 2 ** l.facts.clusterBits : undefined,
      backingName: l.facts.backingName,
      backingFormat: l.facts.backingFormat,
    })),
  };
}

export const api = {
  async init(opts: EngineInit): Promise<'simd' | 'scalar'> {
    return (await host.init(opts)).flavor;
  },
  async open(id: string, key: string, ref: ImageRef): Promise<ImageSummary> {
    mark('open-start');
    return run(id, async (signal) => {
      const chain = await host.chain(key, ref, signal);
      const info = (await chainInfo(chain, true)) as unknown[];
      mark('open-done');
      return summary(chain, info, (await host.get()).flavor);
    });
  },
  async map(id: string, key: string, ref: ImageRef, buckets: number): Promise<MapPicture> {
    mark('map-start');
    return run(id, async (signal) => {
      const pic = await mapPicture(await host.get(), await host.chain(key, ref, signal), buckets, {
        signal,
        gap: mapGap,
      });
      mark('map-done');
      return transfer(pic, [pic.bytes.buffer]);
    });
  },
  async check(id: string, key: string, ref: ImageRef): Promise<CheckReport | null> {
    return run(id, async (signal) => {
      const chain = await host.chain(key, ref, signal);
      return chain.top.facts.format === 'qcow2' ? checkLayer(await host.get(), chain.top) : null;
    });
  },
  async convert(
    id: string,
    key: string,
    ref: ImageRef,
    to: TargetRef,
    req: ConvertRequest,
    onProgress?: ProgressFn,
  ): Promise<ConvertResult> {
    try {
      return await run(id, async (signal) => {
        // convertImage opens (and closes) its own chain; an OPFS source's handle is exclusive, so
        // the cached one lets go first and is reopened on the next call.
        await host.close(key);
        const engine = await host.get();
        const { source, gate } = await openRef(ref, signal, true);
        const target = to.kind === 'opfs' ? await OpfsTarget.create(to.path) : new DownloadTarget(to.stream, to.name);
        const r = await convertImage({
          engine,
          gate,
          source,
          sourceFormat: ref.format,
          target,
          targetFormat: req.targetFormat,
          sparseSize: req.sparseSize,
          signal,
          onProgress,
          ...COPY_SHAPES[ref.kind],
        });
        return { ...r, virtualSize: target.size };
      });
    } finally {
      release(onProgress);
    }
  },
  async importFile(id: string, file: Blob, path: string, onProgress?: ProgressFn): Promise<OpfsEntry> {
    return run(id, (signal) => importToOpfs(file, path, signal, onProgress)).finally(() => release(onProgress));
  },
  listOpfs: (): Promise<OpfsEntry[]> => listOpfs(),
  async removeOpfs(path: string): Promise<void> {
    await host.closeAll();
    await removeOpfs(path);
  },
  close: (key: string): Promise<void> => host.close(key),
  cancel(id: string, reason = 'cancelled'): boolean {
    const ac = calls.get(id);
    ac?.abort(new VdiskError('E_CANCELLED', reason));
    return ac !== undefined;
  },
  async stats(): Promise<WorkerStats> {
    const engine = await host.get();
    return {
      flavor: engine.flavor,
      memoryInUse: engine.x.memoryInUse(),
      wasmBytes: engine.x.memory.buffer.byteLength,
      openImages: host.count,
      running: [...calls.keys()],
      opfs: { ...opfsTimings },
      blob: { ...blobTimings },
      http: { ...httpCounters },
      planned: { ...plannedTimings },
      marks: { ...marks },
    };
  },
};

export type EngineApi = typeof api;

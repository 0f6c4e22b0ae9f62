// -n (REUSE_EXT) onto an existing qcow2 image: its own creation options (cluster size, version,
// refcount width, extended L2, compression type) and its backing file are kept, and the image is
// rewritten with the source's content. Written in place, so a failure leaves it partly written: the
// error says so (convert.ts). Refused when the image is dirty or corrupt, or smaller than the source.
// A target larger than the source keeps its tail, as qemu-img does: then the source's range is
// written through the in-place editor (zeros become zero clusters) and the rest is left alone.
import type { Engine } from '../engine.js';
import { openLayer } from '../chain.js';
import type { ImageTarget } from '../../io/target.js';
import type { ImageSource } from '../../io/source.js';
import type { LayerFacts } from '../layer-facts.js';
import { Qcow2Writer } from './qcow2/writer.js';
import { Qcow2Editor } from './qcow2/editor.js';
import { EditSink } from './edit-sink.js';
import type { Sink } from './sink.js';
import type { Qcow2Params } from './qcow2/options.js';
import { compressorFor } from './qcow2/compress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export function targetAsSource(t: ImageTarget): ImageSource {
  if (!t.pread) throw new VdiskError('E_WRITE_UNSUPPORTED', `${t.name} cannot be read back`, { path: t.name });
  return { name: t.name, size: t.size, pread: (b, o) => t.pread!(b, o), close: async () => {} };
}

export async function targetFacts(engine: Engine, t: ImageTarget): Promise<LayerFacts> {
  const layer = await openLayer(engine, targetAsSource(t), 'qcow2');
  engine.x.layerClose(layer.slot);
  engine.detachFiles(layer.slot);
  return layer.facts;
}

export function paramsOf(f: LayerFacts): Qcow2Params {
  return {
    clusterBits: f.clusterBits, version: f.version === 2 ? 2 : 3, refcountOrder: f.refcountOrder,
    extL2: f.extendedL2, lazyRefcounts: (f.compat & 1) !== 0, zstd: f.compressionType === 1, prealloc: false,
  };
}

/** The sink for -n onto `t`, and how much of the guest range the copy covers. */
export async function reusedQcow2Sink(engine: Engine, t: ImageTarget, size: number, o: { compress?: boolean }): Promise<{ sink: Sink; copySize: number }> {
  const f = await targetFacts(engine, t);
  if (f.incompat & 3) throw new VdiskError(f.incompat & 2 ? 'E_QCOW2_CORRUPT' : 'E_QCOW2_DIRTY', undefined, { path: t.name, hint: `run \`vdisk check -r all ${t.name}\`, then retry` });
  if (f.nbSnapshots > 0) throw new VdiskError('E_SNAPSHOTS_PRESENT', undefined, { path: t.name });
  if (f.incompat & 4) throw new VdiskError('E_WRITE_UNSUPPORTED', 'targets with an external data file are not supported', { path: t.name });
  if (f.size < size) throw new VdiskError('E_SIZE_MISMATCH', `target is ${f.size} bytes, the source needs ${size}`, { path: t.name });
  const p = paramsOf(f);
  if (f.size > size) {
    if (o.compress) throw new VdiskError('E_WRITE_UNSUPPORTED', '-c with -n onto a target larger than the source', { path: t.name });
    return { sink: keepTail(new EditSink(await Qcow2Editor.open(t))), copySize: size };
  }
  const backing = f.backingName !== undefined ? { name: f.backingName, format: f.backingFormat ?? 'raw' } : undefined;
  await t.truncate(0);
  return { sink: new Qcow2Writer(t, p, { size: f.size, backing, compress: o.compress ? await compressorFor(p) : undefined }), copySize: f.size };
}

/** The source's range reads as the source: what it leaves unallocated becomes zeros too. */
function keepTail(e: EditSink): Sink {
  return {
    unit: e.unit, backed: false,
    data: (o, b) => e.data(o, b), zero: (o, n) => e.zero(o, n), hole: (o, n) => e.zero(o, n), finish: () => e.finish(),
  };
}

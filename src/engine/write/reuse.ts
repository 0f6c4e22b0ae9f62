// -n (REUSE_EXT) onto an existing qcow2 image: its own creation options (cluster size, version,
// refcount width, extended L2, compression type) and its backing file are kept, and the image is
// rewritten with the source's content. Written in place, so a failure leaves it partly written: the
// error says so (convert.ts). Refused when the image is dirty or corrupt, or smaller than the source.
// Two cases are edited in place rather than rewritten, as qemu-img only writes over what is there:
// - a target larger than the source keeps its tail; a cluster the copy ends inside keeps its bytes
//   past the end (tail-merge.ts);
// - with -B (a shallow copy) what the source's top leaves unallocated keeps the target's bytes: a
//   target that holds nothing yet is still rewritten from scratch (the same content, and faster).
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
import { mergeTail, readTargetRange, type TailRead } from './tail-merge.js';
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

interface ReuseOptions extends TailRead {
  compress?: boolean;
  /** -B: the copy is shallow; what the source's top leaves unallocated is not written. */
  backing?: unknown;
  /** The destination as given: a path gets the default Node gate for the target's backing file. */
  target?: string | ImageTarget;
}

/** The sink for -n onto `t`, and how much of the guest range the copy covers. */
export async function reusedQcow2Sink(engine: Engine, t: ImageTarget, size: number, o: ReuseOptions): Promise<{ sink: Sink; copySize: number }> {
  const f = await targetFacts(engine, t);
  if (f.incompat & 3) throw new VdiskError(f.incompat & 2 ? 'E_QCOW2_CORRUPT' : 'E_QCOW2_DIRTY', undefined, { path: t.name, hint: `run \`vdisk check -r all ${t.name}\`, then retry` });
  if (f.nbSnapshots > 0) throw new VdiskError('E_SNAPSHOTS_PRESENT', undefined, { path: t.name });
  if (f.incompat & 4) throw new VdiskError('E_WRITE_UNSUPPORTED', 'targets with an external data file are not supported', { path: t.name });
  if (f.size < size) throw new VdiskError('E_SIZE_MISMATCH', `target is ${f.size} bytes, the source needs ${size}`, { path: t.name });
  const p = paramsOf(f);
  const ed = f.size > size || o.backing !== undefined ? await Qcow2Editor.open(t) : undefined;
  if (ed && (f.size > size || !ed.l1.every((b) => b === 0))) {
    if (o.compress) throw new VdiskError('E_WRITE_UNSUPPORTED', '-c with -n onto a target larger than the source, or holding data with -B', { path: t.name, hint: 'leave out -c' });
    return { sink: await inPlace(engine, t, ed, size, f.size, o), copySize: size };
  }
  const backing = f.backingName !== undefined ? { name: f.backingName, format: f.backingFormat ?? 'raw' } : undefined;
  await t.truncate(0);
  return { sink: new Qcow2Writer(t, p, { size: f.size, backing, compress: o.compress ? await compressorFor(p) : undefined }), copySize: f.size };
}

/**
 * The in-place editor as the sink: holes leave the target's bytes (qemu-img writes nothing there),
 * and a cluster the copy range [0, end) ends inside is completed with what the target read there.
 */
async function inPlace(engine: Engine, t: ImageTarget, ed: Qcow2Editor, end: number, size: number, o: ReuseOptions): Promise<Sink> {
  const sink = new EditSink(ed);
  const at = Math.floor(end / ed.cs) * ed.cs;
  if (end === at || end >= size) return sink;
  const gate = o.gate ?? (typeof o.target === 'string' ? new (await import('../node-gate.js')).NodeGate() : undefined);
  const old = await readTargetRange(engine, targetAsSource(t), at, Math.min(ed.cs, size - at), { ...o, gate });
  return mergeTail(sink, end, at, old);
}

// -n (REUSE_EXT) onto an existing qcow2 image: its own creation options (cluster size, version,
// refcount width, extended L2, compression type) and its backing file are kept, and the source's
// content is written into it through the in-place editor, whose flush order keeps the header and
// tables valid at every point: a failure or a kill leaves a qcow2 image that opens (old and new
// clusters mixed, at most leaked clusters), never a file without a header (convert.ts says so in the
// error). Refused when the image is dirty or corrupt, or smaller than the source.
// - zeros become zero clusters (v3) as qemu-img's zero writes; where the target has no backing file,
//   ranges it already reads as zeros without an L2 table are left alone, and compat=0.10 clusters
//   are deallocated (qemu-img discards them) rather than written full of zeros;
// - a target larger than the source keeps its tail; a cluster the copy ends inside keeps its bytes
//   past the end (tail-merge.ts);
// - with -B (a shallow copy) what the source's top leaves unallocated keeps the target's bytes.
// -c: compressed clusters cannot overwrite allocated ones (qemu-img fails with EIO there), so -c is
// refused unless the target holds nothing; such an empty target is written anew after its own end
// with its header last (writer.ts `replaces`), so a failure or a kill before that header write
// leaves it the empty image it was (a failure also cuts off what was appended).
import type { Engine } from '../core/engine.js';
import { openLayer } from '../read/chain.js';
import type { ImageTarget } from '../../io/target.js';
import type { ImageSource } from '../../io/source.js';
import type { LayerFacts } from '../read/layer-facts.js';
import { Qcow2Writer } from '../qcow2/writer.js';
import { Qcow2Editor } from '../qcow2/editor.js';
import { EditSink } from './edit-sink.js';
import type { Sink } from './sink.js';
import type { Qcow2Params } from '../qcow2/options.js';
import { compressorFor } from '../qcow2/compress.js';
import { mergeTail, readTargetRange, type TailRead } from './tail-merge.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { INCOMPAT_CORRUPT, INCOMPAT_DIRTY } from '../../../assembly/qcow2/format';

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
    clusterBits: f.clusterBits,
    version: f.version === 2 ? 2 : 3,
    refcountOrder: f.refcountOrder,
    extL2: f.extendedL2,
    lazyRefcounts: (f.compat & 1) !== 0,
    zstd: f.compressionType === 1,
    prealloc: false,
  };
}

interface ReuseOptions extends TailRead {
  compress?: boolean;
  /** -B: the copy is shallow; what the source's top leaves unallocated is not written. */
  backing?: unknown;
}

export interface ReusedSink {
  sink: Sink;
  /** How much of the guest range the copy covers. */
  copySize: number;
  /** Set for -c, where the target is written anew after its end: cuts that off after a failure. */
  recover?: () => Promise<void>;
}

/** The sink for -n onto `t`. */
export async function reusedQcow2Sink(
  engine: Engine,
  t: ImageTarget,
  size: number,
  o: ReuseOptions,
): Promise<ReusedSink> {
  const f = await targetFacts(engine, t);
  if (f.incompat & (INCOMPAT_DIRTY | INCOMPAT_CORRUPT))
    throw new VdiskError(f.incompat & INCOMPAT_CORRUPT ? 'E_QCOW2_CORRUPT' : 'E_QCOW2_DIRTY', undefined, {
      path: t.name,
      hint: `run \`vdisk check -r all ${t.name}\`, then retry`,
    });
  if (f.nbSnapshots > 0) throw new VdiskError('E_SNAPSHOTS_PRESENT', undefined, { path: t.name });
  if (f.incompat & 4)
    throw new VdiskError('E_WRITE_UNSUPPORTED', 'targets with an external data file are not supported', {
      path: t.name,
    });
  if (f.size < size)
    throw new VdiskError('E_SIZE_MISMATCH', `target is ${f.size} bytes, the source needs ${size}`, { path: t.name });
  const ed = await Qcow2Editor.open(t);
  const empty = ed.l1.every((b) => b === 0);
  if (o.compress) {
    if (f.size > size || !empty)
      throw new VdiskError(
        'E_WRITE_UNSUPPORTED',
        '-c with -n onto a target larger than the source or holding data: compressed clusters cannot overwrite allocated ones',
        { path: t.name, hint: 'leave out -c, or create the target anew' },
      );
    const p = paramsOf(f);
    const backing = f.backingName !== undefined ? { name: f.backingName, format: f.backingFormat ?? 'raw' } : undefined;
    const oldSize = t.size;
    const w = new Qcow2Writer(t, p, {
      size: f.size,
      backing,
      compress: await compressorFor(p),
      replaces: Math.ceil(oldSize / 2 ** p.clusterBits),
    });
    const recover = async () => {
      if (w.headerWritten) throw new Error('the new header may be partly written');
      await t.truncate(oldSize);
    };
    return { sink: w, copySize: f.size, recover };
  }
  const zeros = o.backing === undefined && f.backingName === undefined ? new ZeroSkip(ed) : undefined;
  return { sink: await inPlace(engine, t, ed, size, f.size, o, zeros), copySize: size };
}

/**
 * Zero writes onto a target without a backing file: guest ranges with no L2 table already read as
 * zeros and stay as they are; compat=0.10 clusters are deallocated (v2 has no zero flag; qemu-img's
 * zero write discards them). v3 clusters get the zero flag, as qemu-img's zero writes give them.
 */
class ZeroSkip {
  constructor(private readonly ed: Qcow2Editor) {}
  async zero(offset: number, length: number): Promise<void> {
    const { ed } = this;
    const cs = ed.cs;
    for (let g = offset / cs; g * cs < offset + length; ) {
      if (!(await ed.hasTable(g))) {
        g = (Math.floor(g / ed.perL2) + 1) * ed.perL2;
        continue;
      }
      if (ed.h.version === 2) await ed.discardCluster(g);
      else await ed.zeroCluster(g);
      g++;
    }
  }
}

/**
 * The in-place editor as the sink: holes leave the target's bytes (qemu-img writes nothing there),
 * and a cluster the copy range [0, end) ends inside is completed with what the target read there.
 */
async function inPlace(
  engine: Engine,
  t: ImageTarget,
  ed: Qcow2Editor,
  end: number,
  size: number,
  o: ReuseOptions,
  zeros?: ZeroSkip,
): Promise<Sink> {
  const edit = new EditSink(ed);
  const sink: Sink = zeros ? withZeros(edit, zeros) : edit;
  const at = Math.floor(end / ed.cs) * ed.cs;
  if (end === at || end >= size) return sink;
  const old = await readTargetRange(engine, targetAsSource(t), at, Math.min(ed.cs, size - at), o);
  return mergeTail(sink, end, at, old);
}

/** The edit sink with its zero writes (queued behind its other calls, in guest order) by `z`. */
function withZeros(edit: EditSink, z: ZeroSkip): Sink {
  let chain: Promise<void> = Promise.resolve();
  const queue = (f: () => Promise<void>): Promise<void> => {
    const p = chain.then(f);
    chain = p.catch(() => {});
    return p;
  };
  return {
    unit: edit.unit,
    backed: edit.backed,
    data: (o, b) => queue(() => edit.data(o, b)),
    zero: (o, n) => queue(() => z.zero(o, n)),
    hole: () => edit.hole(),
    finish: () => queue(() => edit.finish()),
  };
}

// measureImage: qemu-img measure. For qcow2 output, QEMU's qcow2_measure (block/qcow2.c): the
// metadata of a fully allocated image (qcow2_calc_prealloc_size) plus the data clusters the source
// holds, counted from block status the way QEMU counts them; for raw, the virtual size.
import type { Engine } from '../core/engine.js';
import type { Chain } from '../read/chain.js';
import type { ImageSource } from '../../io/source.js';
import type { ImageFormat } from '../read/gate.js';
import { chainRuns, RUN } from '../read/block-status.js';
import { listBitmaps } from '../read/listing.js';
import { qcow2Params, type Qcow2CreateOptions } from '../qcow2/options.js';
import { engineFor, openSourceChain, type OpenCommon } from './open.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface MeasureResult {
  bitmaps?: number;
  required: number;
  'fully-allocated': number;
}

export interface MeasureOptions extends OpenCommon {
  source?: string | ImageSource;
  sourceFormat?: ImageFormat;
  size?: number;
  targetFormat: ImageFormat;
  options?: Qcow2CreateOptions & { backing_file?: string };
}

const up = (v: number, a: number) => Math.ceil(v / a) * a;

/** qcow2_refcount_metadata_size: refcount blocks and table for `clusters` clusters, counting themselves. */
export function refcountMetadataSize(clusters: number, cs: number, order: number): number {
  const perBlock = (cs * 8) / 2 ** order;
  const perTable = cs / 8;
  let table = 0,
    blocks = 0,
    n = 0,
    last;
  do {
    last = n;
    blocks = Math.ceil((clusters + table + blocks) / perBlock);
    table = Math.ceil(blocks / perTable);
    n = clusters + blocks + table;
  } while (n !== last);
  return (blocks + table) * cs;
}

/** qcow2_calc_prealloc_size: header, every L2 and L1 entry, refcounts, and every data cluster. */
export function preallocSize(total: number, cs: number, order: number, extL2: boolean): number {
  const aligned = up(total, cs);
  const l2e = extL2 ? 16 : 8;
  let meta = cs;
  const nl2e = up(aligned / cs, cs / l2e);
  meta += nl2e * l2e;
  const nl1e = up((nl2e * l2e) / cs, cs / 8);
  meta += nl1e * 8;
  meta += refcountMetadataSize((meta + aligned) / cs, cs, order);
  return meta + aligned;
}

async function dataBytes(engine: Engine, chain: Chain, cs: number): Promise<number> {
  let required = 0;
  let offset = 0;
  for await (const r of chainRuns(engine, chain)) {
    const end = r.start + r.length;
    if (end <= offset) continue;
    const s = Math.max(offset, r.start);
    if (r.flags & RUN.ZERO) {
      offset = end;
      continue;
    }
    if ((r.flags & (RUN.DATA | RUN.ALLOCATED)) === (RUN.DATA | RUN.ALLOCATED)) {
      const pnum = up(end, cs) - s;
      required += (s % cs) + pnum;
      offset = s + pnum;
    } else offset = end;
  }
  return required;
}

export async function measureImage(o: MeasureOptions): Promise<MeasureResult> {
  if ((o.source === undefined) === (o.size === undefined))
    throw new VdiskError('E_USAGE', 'measure needs either a source image or --size');
  const engine = await engineFor(o);
  const chain = o.source !== undefined ? await openSourceChain(engine, o.source, o.sourceFormat, o) : undefined;
  try {
    const size = chain ? chain.size : o.size!;
    if (o.targetFormat === 'raw') {
      const r = up(size, 512);
      return { required: r, 'fully-allocated': r };
    }
    const p = qcow2Params(o.options);
    const cs = 2 ** p.clusterBits;
    const virtual = up(size, cs);
    // No source: only metadata is required; with a backing file QEMU assumes every cluster differs.
    let required = 0;
    if (chain) required = o.options?.backing_file ? virtual : await dataBytes(engine, chain, cs);
    const full = preallocSize(virtual, cs, p.refcountOrder, p.extL2);
    const out: MeasureResult = { required: full - virtual + required, 'fully-allocated': full };
    if (chain && chain.top.facts.format === 'qcow2' && chain.top.facts.version === 3 && p.version === 3) {
      return { bitmaps: await bitmapsSize(engine, chain, cs), ...out };
    }
    return out;
  } finally {
    await chain?.close();
  }
}

/** qcow2_get_persistent_dirty_bitmap_size: every bitmap fully allocated, its table, the directory. */
async function bitmapsSize(engine: Engine, chain: Chain, cs: number): Promise<number> {
  if (chain.top.facts.nbBitmaps === 0) return 0;
  let total = 0;
  let dir = 0;
  for (const b of await listBitmaps(engine, chain.top.slot)) {
    const bytes = Math.ceil(Math.ceil(chain.size / b.granularity) / 8);
    const clusters = Math.ceil(bytes / cs);
    total += clusters * cs + up(clusters * 8, cs);
    dir += up(24 + new TextEncoder().encode(b.name).length, 8);
  }
  return total + up(dir, cs);
}

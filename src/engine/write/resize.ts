// resizeImage: qemu-img resize. Raw: the file is truncated (sparse when growing). qcow2: the virtual
// size in the header changes last; growing past the L1 table writes a larger one first, shrinking
// (only with `shrink`, as qemu-img asks for --shrink) first unmaps every cluster past the new end,
// then frees the L2 tables and refcount blocks left unused, discards what it freed and cuts the
// file after its last used cluster, as qemu-img does (shrink-tail.ts).
import type { ImageFormat } from '../gate.js';
import { Qcow2Editor } from './qcow2/editor.js';
import { parseHeader } from './qcow2/parse-header.js';
import { shrinkTail } from './shrink-tail.js';
import { engineFor, openSourceChain, refuseDirty, type OpenCommon } from './open.js';
import type { LongOp } from './progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface ResizeOptions extends LongOp, OpenCommon {
  image: string;
  format?: ImageFormat;
  /** The new size, or a change when `relative` is true (+/- in the CLI). */
  size: number;
  relative?: boolean;
  shrink?: boolean;
}

export async function resizeImage(o: ResizeOptions): Promise<void> {
  const engine = await engineFor(o);
  const chain = await openSourceChain(engine, o.image, o.format, { ...o, noBacking: true });
  const fmt = chain.top.facts.format;
  const old = chain.size;
  try { refuseDirty(chain, o.image); } finally { await chain.close(); }
  const size = o.relative ? old + o.size : o.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new VdiskError('E_USAGE', `invalid new size ${size}`);
  if (size % 512 !== 0) throw new VdiskError('E_BAD_OPTION', 'the size must be a multiple of 512');
  if (size < old && !o.shrink) throw new VdiskError('E_SHRINK_NEEDS_FLAG', undefined, { path: o.image });
  const { NodeFileTarget } = await import('../../io/node-file-target.js');
  const t = await NodeFileTarget.create(o.image, { reuse: true });
  try {
    if (fmt === 'raw') { await t.truncate(size); return; }
    const ed = await Qcow2Editor.open(t);
    const freed: number[] = [];
    if (size < old) {
      const cs = ed.cs;
      const first = Math.ceil(size / cs);
      for (let gc = first; gc < Math.ceil(old / cs); gc++) {
        if (gc % ed.perL2 === 0 && (await ed.entry(gc)) && !(await ed.hasTable(gc))) { gc += ed.perL2 - 1; continue; }
        freed.push(...hostClusters(await ed.entry(gc), ed.h.clusterBits));
        await ed.discardCluster(gc);
      }
    }
    await ed.setSize(size);
    await ed.flush();
    if (size < old) {
      const head = new Uint8Array(Math.min(t.size, 2 * 1024 * 1024));
      await t.pread(head, 0);
      await shrinkTail(t, parseHeader(head, t.name), size, freed);
    }
  } finally {
    await t.commit();
  }
}

/** Host clusters an L2 entry [hi, lo, ...] uses (a compressed one may span two). */
function hostClusters(e: [number, number, number, number], clusterBits: number): number[] {
  const cs = 2 ** clusterBits;
  if (e[0] & 0x40000000) {
    const v = (BigInt(e[0]) << 32n) | BigInt(e[1]);
    const x = BigInt(62 - (clusterBits - 8));
    const off = Number(v & ((1n << x) - 1n));
    const len = (Number((v >> x) & ((1n << BigInt(clusterBits - 8)) - 1n)) + 1) * 512 - (off % 512);
    return [Math.floor(off / cs), Math.floor((off + len - 1) / cs)];
  }
  const off = (e[0] & 0x00ffffff) * 2 ** 32 + (e[1] & 0xfffffe00);
  return off ? [off / cs] : [];
}

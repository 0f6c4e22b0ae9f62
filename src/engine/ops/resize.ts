// resizeImage: qemu-img resize. Raw: the file is truncated (sparse when growing). qcow2, growing: a
// larger L1 table is written first when needed, the header's size last. Shrinking (only with
// `shrink`, as qemu-img asks for --shrink) writes the header's smaller size FIRST, then unmaps every
// cluster past the new end (L2 tables, then refcounts, a flush per batch), then frees the L2 tables
// and refcount blocks left unused, discards what it freed and cuts the file after its last used
// cluster (shrink-tail.ts). A kill or an abort therefore leaves either the old image (before the
// header) or the new one, whose clusters past the end are still mapped or leaked, never an old size
// over a cleared tail. (QEMU's qcow2_co_truncate writes the size last; that order can show zeros.)
// A grow first unmaps what a shrink stopped after its header may have left past the old end, so the
// grown range reads as zeros.
import type { ImageFormat } from '../read/gate.js';
import { Qcow2Editor } from '../qcow2/editor.js';
import { parseHeader } from '../qcow2/parse-header.js';
import { shrinkTail } from './shrink-tail.js';
import { engineFor, openSourceChain, openTarget, refuseDirty, type OpenCommon } from './open.js';
import { checkAbort, phased, type LongOp, type PhaseReporter } from './progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { entryOffset } from '../qcow2/host-offset.js';
import { L2_COMPRESSED_HI } from '../../../assembly/qcow2/format';

export interface ResizeOptions extends LongOp, OpenCommon {
  image: string;
  format?: ImageFormat;
  /** The new size, or a change when `relative` is true (+/- in the CLI). */
  size: number;
  relative?: boolean;
  shrink?: boolean;
  /** Guest bytes unmapped between two flushes of a shrink (default 256 MiB; at least one L2 table). */
  batchBytes?: number;
}

export async function resizeImage(o: ResizeOptions): Promise<void> {
  const engine = await engineFor(o);
  const chain = await openSourceChain(engine, o.image, o.format, { ...o, noBacking: true });
  const fmt = chain.top.facts.format;
  const old = chain.size;
  try {
    refuseDirty(chain, o.image);
  } finally {
    await chain.close();
  }
  const size = o.relative ? old + o.size : o.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new VdiskError('E_USAGE', `invalid new size ${size}`);
  if (size % 512 !== 0) throw new VdiskError('E_BAD_OPTION', 'the size must be a multiple of 512');
  if (size < old && !o.shrink) throw new VdiskError('E_SHRINK_NEEDS_FLAG', undefined, { path: o.image });
  checkAbort(o.signal);
  const t = await openTarget(o.image, { reuse: true }, o.files);
  try {
    if (fmt === 'raw') {
      const tick = phased(o, { resize: 1 })('resize', 1);
      tick(0);
      checkAbort(o.signal);
      await t.truncate(size);
      tick(1);
      return;
    }
    const ed = await Qcow2Editor.open(t);
    if (size >= old) await grow(ed, old, size, o);
    else await shrink(ed, old, size, o);
  } finally {
    await t.commit();
  }
}

async function grow(ed: Qcow2Editor, old: number, size: number, o: ResizeOptions): Promise<void> {
  const ph = phased(o, { clear: 0.5, header: 0.5 });
  const covered = Math.min(size, ed.h.l1Size * ed.perL2 * ed.cs);
  await unmapPast(ed, old, covered, ph, o);
  const tick = ph('header', 1);
  tick(0);
  checkAbort(o.signal);
  await ed.setSize(size);
  await ed.flush();
  tick(1);
}

async function shrink(ed: Qcow2Editor, old: number, size: number, o: ResizeOptions): Promise<void> {
  const ph = phased(o, { header: 0.05, clear: 0.75, tail: 0.2 });
  const header = ph('header', 1);
  header(0);
  checkAbort(o.signal);
  await ed.setSize(size); // 1 the smaller size: from here on the image reads as the new one
  await ed.flush();
  header(1);
  const freed = await unmapPast(ed, size, old, ph, o); // 2 L2 entries, then refcounts
  const tail = ph('tail', 1);
  tail(0);
  checkAbort(o.signal);
  const t = ed.t;
  const head = new Uint8Array(Math.min(t.size, 2 * 1024 * 1024));
  await t.pread!(head, 0);
  await shrinkTail(t, parseHeader(head, t.name), size, freed); // 3 tables, refcount blocks, file end
  tail(1);
}

/**
 * Unmaps every guest cluster from the one after `from` up to `to`, flushing every `batchBytes` of
 * guest range (ed.flush: L2 tables, then refcount decrements); returns the host clusters released.
 * Phase 'clear': guest bytes walked; the signal is checked after each flush.
 */
async function unmapPast(
  ed: Qcow2Editor,
  from: number,
  to: number,
  ph: PhaseReporter,
  o: ResizeOptions,
): Promise<number[]> {
  const cs = ed.cs;
  const first = Math.ceil(from / cs);
  const end = Math.max(first, Math.ceil(to / cs));
  const tick = ph('clear', (end - first) * cs);
  tick(0);
  const batch = Math.max(ed.perL2, Math.ceil((o.batchBytes ?? 256 * 2 ** 20) / cs));
  const freed: number[] = [];
  let walked = 0; // guest clusters since the last flush
  let dirty = false;
  for (let gc = first; gc < end; ) {
    checkAbort(o.signal);
    const next = Math.min(end, (Math.floor(gc / ed.perL2) + 1) * ed.perL2); // end of this L2 table's range
    if (await ed.hasTable(gc)) {
      for (let k = gc; k < next; k++) {
        const e = await ed.entry(k);
        if (!e[0] && !e[1] && !e[2] && !e[3]) continue;
        freed.push(...hostClusters(e, ed.h.clusterBits));
        await ed.discardCluster(k);
        dirty = true;
      }
    }
    walked += next - gc;
    gc = next;
    if (walked >= batch || gc === end) {
      if (dirty) await ed.flush();
      dirty = false;
      walked = 0;
      tick((gc - first) * cs);
    }
  }
  tick((end - first) * cs);
  return freed;
}

/** Host clusters an L2 entry [hi, lo, ...] uses (a compressed one may span two). */
function hostClusters(e: [number, number, number, number], clusterBits: number): number[] {
  const cs = 2 ** clusterBits;
  if (e[0] & L2_COMPRESSED_HI) {
    const v = (BigInt(e[0]) << 32n) | BigInt(e[1]);
    const x = BigInt(62 - (clusterBits - 8));
    const off = Number(v & ((1n << x) - 1n));
    const len = (Number((v >> x) & ((1n << BigInt(clusterBits - 8)) - 1n)) + 1) * 512 - (off % 512);
    return [Math.floor(off / cs), Math.floor((off + len - 1) / cs)];
  }
  const off = entryOffset(e[0]!, e[1]!);
  return off ? [off / cs] : [];
}

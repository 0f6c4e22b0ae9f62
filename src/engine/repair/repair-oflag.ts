// check_oflag_copied with a fix mode (block/qcow2-refcount.c), run after the refcounts are repaired:
// the COPIED flag (bit 63 of L1 and L2 entries, qcow2.txt "Cluster mapping") must be set exactly when
// the refcount of the table or cluster it points at is 1. Only the active L1 table and its L2 tables.
//
//   L1/L2 entry  63 COPIED · 62 COMPRESSED (L2) · 9..55 host offset · 0 zero flag (L2, v3)
//
// Crash safety: a COPIED flag set on a cluster that is really shared lets a writer overwrite shared
// data, a flag cleared only costs a copy-on-write. So the caller runs `clear` before the refcounts are
// lowered and `set` after: at every point a flag is set only where the refcount on disk is 1.
import type { ImageTarget } from '../../io/target.js';
import type { ParsedHeader } from '../qcow2/parse-header.js';
import { entryOffset, entryOffsetAt } from '../qcow2/host-offset.js';
import { L2_COMPRESSED_HI, L2_COPIED_HI } from '../../../assembly/qcow2/format';

const COPIED = L2_COPIED_HI;
const COMPRESSED = L2_COMPRESSED_HI;

export interface OflagResult {
  fixed: number;
  left: number;
}

/** One pass: `which` says whether this pass clears or sets flags; `repair` false only counts. */
export async function oflagCopied(
  t: ImageTarget,
  h: ParsedHeader,
  refcount: (k: number) => number | undefined,
  repair: boolean,
  which: 'clear' | 'set' | 'both',
): Promise<OflagResult> {
  const cs = 2 ** h.clusterBits;
  const res: OflagResult = { fixed: 0, left: 0 };
  const wants = (set: boolean) => which === 'both' || (which === 'set') === set;
  // Returns true when the entry at `at` was changed.
  const fix = (dv: DataView, at: number, rc: number | undefined): boolean => {
    if (rc === undefined) return false; // qcow2_get_refcount failed: QEMU skips it silently
    const hi = dv.getUint32(at);
    const set = rc === 1;
    if (set === ((hi & COPIED) !== 0)) return false;
    if (!wants(set)) return false;
    if (!repair) {
      res.left++;
      return false;
    }
    dv.setUint32(at, set ? (hi | COPIED) >>> 0 : hi & ~COPIED);
    res.fixed++;
    return true;
  };
  const l1 = new Uint8Array(h.l1Size * 8);
  await t.pread!(l1, h.l1Offset);
  const l1v = new DataView(l1.buffer);
  const esz = h.extL2 ? 16 : 8;
  const l2 = new Uint8Array(cs);
  const l2v = new DataView(l2.buffer);
  for (let i = 0; i < h.l1Size; i++) {
    const l2off = entryOffsetAt(l1v, i * 8);
    if (l2off === 0) continue;
    if (fix(l1v, i * 8, refcount(Math.floor(l2off / cs))))
      await t.pwrite(l1.subarray(i * 8, i * 8 + 8), h.l1Offset + i * 8);
    l2.fill(0);
    await t.pread!(l2, l2off); // past the end of the file reads as zeros
    let dirty = false;
    for (let j = 0; j < cs; j += esz) {
      const hi = l2v.getUint32(j);
      if (hi & COMPRESSED) continue;
      const off = entryOffset(hi, l2v.getUint32(j + 4));
      if (off === 0) continue; // unallocated or ZERO_PLAIN: no host cluster
      if (fix(l2v, j, refcount(Math.floor(off / cs)))) dirty = true;
    }
    if (dirty) await t.pwrite(l2, l2off);
  }
  return res;
}

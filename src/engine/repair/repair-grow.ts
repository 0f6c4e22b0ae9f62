// check_refblocks with BDRV_FIX_ERRORS (QEMU 7.2 block/qcow2-refcount.c): a refcount table entry
// naming a block past the end of the file ("Repairing refcount block N is outside image") is fixed
// by growing the file to the end of that block (bdrv_co_truncate to offset + cluster size), which
// then reads as an empty refcount block. The counts that follow usually find the refcounts under
// it missing and rebuild the structure; the grown block is then freed as a leak (a hole), and the
// file keeps its new size, as qemu-img leaves it. Growing a file changes nothing it already holds.
//
//   refcount table entry: 63..9 block offset, 8..0 reserved (must be 0)
import type { ImageTarget } from '../../io/target.js';
import type { ParsedHeader } from '../qcow2/parse-header.js';

const RESERVED = 0x1ff;

/**
 * Entries in table order, each past the current end (`grown` clusters: the file's, or further where
 * the check's counting reached past it) grows the file; returns how many did.
 */
export async function growForRefblocks(t: ImageTarget, h: ParsedHeader, grownClusters: number): Promise<number> {
  const cs = 2 ** h.clusterBits;
  const table = new Uint8Array(h.refTableClusters * cs);
  await t.pread!(table, h.refTableOffset);
  const dv = new DataView(table.buffer);
  let grown = grownClusters;
  let fixed = 0;
  for (let i = 0; i < table.length; i += 8) {
    const hi = dv.getUint32(i);
    const lo = dv.getUint32(i + 4);
    if (lo & RESERVED) continue; // rebuild's business
    const off = hi * 2 ** 32 + (lo >>> 0);
    if (off % cs) continue; // unaligned: rebuild's business too
    if (off / cs < grown) continue; // inside the image (or 0)
    await t.truncate(off + cs);
    grown = off / cs + 1;
    fixed++;
  }
  if (fixed) await t.flush();
  return fixed;
}

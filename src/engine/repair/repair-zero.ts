// check_refcounts_l2 with BDRV_FIX_ERRORS (QEMU 7.2 block/qcow2-refcount.c → fix_l2_entry_by_zero):
// a zero cluster whose preallocated host offset is not cluster aligned ("Preallocated cluster is not
// properly aligned; L2 entry corrupted") holds no data, so its entry becomes a plain zero cluster and
// the host cluster it named is no longer counted (the check that follows frees it as a leak).
//
//   standard L2 entry → QCOW_OFLAG_ZERO (bit 0), offset dropped
//   extended L2 entry → entry 0; bitmap: allocated subclusters become zero ones (none here), i.e.
//                       only the zero bits (63..32) are kept   (qcow2.txt "Extended L2 Entries")
//
// The guest reads zeros there before and after, so the rewrite is safe at any moment; it is flushed
// before the refcounts are looked at again.
import type { ImageTarget } from '../../io/target.js';

export async function zeroUnalignedEntries(t: ImageTarget, positions: number[], extL2: boolean): Promise<void> {
  for (const pos of positions) {
    const e = new Uint8Array(extL2 ? 16 : 8);
    if (extL2) {
      await t.pread!(e, pos);
      e.fill(0, 0, 8);
      e.fill(0, 12, 16); // allocation bits (31..0) cleared; they were 0 already, as nothing is allocated
    } else e[7] = 1;
    await t.pwrite(e, pos);
  }
  await t.flush();
}

// Clusters a repair frees are discarded, as QEMU's compare_refcounts frees them with
// update_refcount(..., QCOW2_DISCARD_ALWAYS): a refcount that reaches 0 passes a discard down to the
// file (qcow2_process_discards → bdrv_pdiscard → fallocate PUNCH_HOLE on a local file). Run once the
// lowered refcounts are on disk, so only clusters nothing refers to lose their bytes.
import type { ImageTarget } from '../../io/target.js';
import type { Range } from '../../io/punch-hole.js';

/** Host clusters [k, k+1) whose refcount went to 0, discarded in merged ranges. */
export async function discardClusters(
  t: ImageTarget,
  clusters: Iterable<number>,
  clusterBits: number,
): Promise<number> {
  if (!t.discard) return 0;
  const cs = 2 ** clusterBits;
  const ranges: Range[] = [];
  for (const k of clusters) ranges.push([k * cs, cs]);
  return ranges.length ? (await t.discard(ranges)).asked : 0;
}

// qcow2_check_read_snapshot_table with BDRV_FIX_ERRORS (QEMU 7.2 block/qcow2-snapshot.c): snapshots
// QEMU cannot keep are cut off the end of the table by lowering nb_snapshots in the header
// (H_NB_SNAPSHOTS), before any refcount is looked at: more than QCOW_MAX_SNAPSHOTS (65536) entries, or entries
// that take the table past QCOW_MAX_SNAPSHOTS_SIZE (64 MiB; the check finds those). What the cut-off
// snapshots used is then merely leaked, and the refcount repair frees it. Each cut snapshot counts
// as a corruption fixed, as qemu-img counts it.
import type { ImageTarget } from '../../io/target.js';
import * as Q from '../../../assembly/qcow2/format';
import { SN_MAX_SNAPSHOTS as MAX_SNAPSHOTS } from '../../../assembly/qcow2/snapshot-format';
import { getU64 } from '../qcow2/be64.js';

export { MAX_SNAPSHOTS };

async function readCount(t: ImageTarget): Promise<{ count: number; offset: number }> {
  const b = new Uint8Array(Q.H_SNAPSHOTS_OFFSET + 8 - Q.H_NB_SNAPSHOTS);
  await t.pread!(b, Q.H_NB_SNAPSHOTS);
  const dv = new DataView(b.buffer);
  return { count: dv.getUint32(0), offset: getU64(dv, Q.H_SNAPSHOTS_OFFSET - Q.H_NB_SNAPSHOTS) };
}

/** Sets nb_snapshots to `count` (durable before anything relies on it). */
export async function setSnapshotCount(t: ImageTarget, count: number): Promise<void> {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, count);
  await t.pwrite(b, Q.H_NB_SNAPSHOTS);
  await t.flush();
}

/**
 * More than 65536 snapshots: with -r all the header is cut to 65536 (when the table's offset is one
 * QEMU would read: cluster aligned); returns the number cut. Otherwise the open refuses the image,
 * as qemu-img's check fails on it.
 */
export async function capSnapshotCount(
  t: ImageTarget,
  clusterBits: number,
  all: boolean,
  say: (m: string) => void,
): Promise<number> {
  const { count, offset } = await readCount(t);
  if (!all || count <= MAX_SNAPSHOTS || offset % 2 ** clusterBits !== 0) return 0;
  say(`Discarding ${count - MAX_SNAPSHOTS} overhanging snapshots\n`);
  await setSnapshotCount(t, MAX_SNAPSHOTS);
  return count - MAX_SNAPSHOTS;
}

/** Entries past the 64 MiB limit (found by the check): with -r all the header stops before them. */
export async function cutSnapshotTable(t: ImageTarget, dropped: number, say: (m: string) => void): Promise<number> {
  if (!dropped) return 0;
  const { count } = await readCount(t);
  say(`Discarding ${dropped} overhanging snapshots (snapshot table is too big)\n`);
  await setSnapshotCount(t, count - dropped);
  return dropped;
}

/**
 * The cut of capSnapshotCount for an image the engine has yet to open (an image with more than 65536
 * snapshots does not open), given as the target the caller opened (committed here): qcow2 magic and
 * a version 2/3 header required, else nothing is done.
 */
export async function capSnapshotsBeforeOpen(t: ImageTarget, say: (m: string) => void): Promise<number> {
  try {
    const head = new Uint8Array(Q.V2_HEADER_LENGTH);
    if ((t.pread ? await t.pread(head, 0) : 0) < Q.V2_HEADER_LENGTH) return 0;
    const dv = new DataView(head.buffer);
    if (
      dv.getUint32(Q.H_MAGIC) !== Q.QCOW2_MAGIC ||
      (dv.getUint32(Q.H_VERSION) !== 2 && dv.getUint32(Q.H_VERSION) !== 3)
    )
      return 0;
    const bits = dv.getUint32(Q.H_CLUSTER_BITS);
    if (bits < 9 || bits > 21) return 0;
    return await capSnapshotCount(t, bits, true, say);
  } finally {
    await t.commit();
  }
}

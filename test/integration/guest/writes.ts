// What every real-guest test checks once the guest has stopped writing and QEMU has quit: each disk
// of the chain the VM ended on holds every acknowledged write (stamps), and the host's reading of
// the disk equals the guest's own checksum of it.
import { join } from 'node:path';
import { expect } from 'vitest';
import { flatten, md5, stampProblems } from '../../helpers/guest-os/stamps.js';
import type { Live } from '../agent/live.js';

/** Lets the guest write `n` more blocks, stops it and quits QEMU; returns the guest's checksums. */
export async function finishWriting(live: Live, n = 10): Promise<Record<string, string>> {
  await live.guest!.writes(n);
  const sums = await live.guest!.stop();
  await live.quit();
  return sums;
}

/** `disks`: device → the top image of the chain it ended on. */
export function expectEveryWrite(live: Live, sums: Record<string, string>, disks: Record<string, string>): void {
  for (const [disk, image] of Object.entries(disks)) {
    const raw = join(live.dir, `${disk}.final.raw`);
    flatten(image, raw);
    const acked = live.guest!.acked.get(disk);
    expect(acked?.size ?? 0, `${disk}: the guest acknowledged writes`).toBeGreaterThan(0);
    expect(stampProblems(raw, disk, acked!, live.guest!.lastGen)).toEqual([]);
    expect(md5(raw), `${disk}: host and guest read the same disk`).toBe(sums[disk]);
  }
}

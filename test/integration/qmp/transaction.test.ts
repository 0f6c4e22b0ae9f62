// Atomic snapshots of two live disks with one `transaction` of blockdev-snapshot actions, and the
// same transaction with one action failing: nothing applied, and the overlays we made are removed.
import { readdirSync, rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isQmpCommandError } from '../../../src/qmp/errors.js';
import { blockdevAdd, blockdevDel, queryBlock } from '../../../src/qmp/blockdev.js';
import { imageNode } from '../../../src/qmp/node-options.js';
import { snapshotAction, transaction } from '../../../src/qmp/transaction.js';
import { DISK_MIB, guestWrite, layerPattern, namedNodes, quit, startGuest, type Guest } from './guest.js';
import { checkImage, compareImages, createQcow2, flattenCopy, hasPattern, imageInfo } from './images.js';

let guest: Guest | undefined;
afterEach(async () => {
  await guest?.dispose();
  guest = undefined;
}, 10_000);

const TWO_DISKS = [
  { id: 'vda', layers: ['a'] },
  { id: 'vdb', layers: ['b'] },
];

async function devices(g: Guest): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const b of await queryBlock(g.vm.qmp))
    out[b.qdev?.match(/peripheral\/(\w+)/)?.[1] ?? b.device] = b.inserted?.['node-name'];
  return out;
}

/** Overlays pre-created with their backing named relatively, then added without opening it. */
async function addOverlay(g: Guest, disk: string, format: 'qcow2' | 'raw' = 'qcow2'): Promise<void> {
  createQcow2(g.path(`${disk}-snap`), DISK_MIB, `${disk}.qcow2`);
  await blockdevAdd(
    g.vm.qmp,
    imageNode(`${disk}-snap`, g.path(`${disk}-snap`), format === 'qcow2' ? { format, backing: null } : { format }),
  );
}

describe('transaction of blockdev-snapshot on two live disks', () => {
  it('snapshots both disks at once; guest writes go to the overlays', { timeout: 15_000 }, async () => {
    guest = await startGuest(TWO_DISKS);
    const { qmp } = guest.vm;
    await addOverlay(guest, 'a');
    await addOverlay(guest, 'b');
    await transaction(qmp, [snapshotAction('a', 'a-snap'), snapshotAction('b', 'b-snap')]);
    expect(await devices(guest)).toEqual({ vda: 'a-snap', vdb: 'b-snap' });
    const nodes = await namedNodes(guest);
    expect(nodes.backingOf('a-snap')).toBe(guest.path('a'));
    expect(nodes.backingOf('b-snap')).toBe(guest.path('b'));
    // A write through the guest's device must land in the overlay, not in the old image.
    await guestWrite(guest, 'vda', 0xee);

    await quit(guest);
    expect(hasPattern(guest.path('a-snap'), 0xee, 0, 1)).toBe(true);
    expect(hasPattern(guest.path('a'), layerPattern(0), 0, 1)).toBe(true);
    expect(compareImages(guest.path('b-snap'), guest.path('b'))).toMatchObject({ identical: true });
    for (const disk of ['a', 'b']) {
      expect(imageInfo(guest.path(`${disk}-snap`))['backing-filename']).toBe(`${disk}.qcow2`);
      expect(checkImage(guest.path(`${disk}-snap`)).status).toBe(0);
    }
  });

  it('one failing action applies nothing; the overlays are removed', { timeout: 15_000 }, async () => {
    guest = await startGuest(TWO_DISKS);
    const { qmp } = guest.vm;
    flattenCopy(guest.path('a'), guest.path('a-before'));
    await addOverlay(guest, 'a');
    await addOverlay(guest, 'b', 'raw'); // opened as raw by mistake: cannot take a backing image
    const error = await transaction(qmp, [snapshotAction('a', 'a-snap'), snapshotAction('b', 'b-snap')]).catch(
      (e: unknown) => e,
    );
    expect(isQmpCommandError(error)).toBe(true);
    expect(guest.transcript.entries).toContainEqual(expect.objectContaining({ type: 'error', execute: 'transaction' }));

    expect(await devices(guest)).toEqual({ vda: 'a', vdb: 'b' });
    expect((await namedNodes(guest)).backingOf('a-snap')).toBeUndefined(); // first action rolled back
    await guestWrite(guest, 'vda', 0xee);
    // Cleanup of a failed transaction: release the overlay nodes, delete the files we created.
    await blockdevDel(qmp, 'a-snap');
    await blockdevDel(qmp, 'b-snap');
    for (const disk of ['a', 'b']) rmSync(guest.path(`${disk}-snap`));

    await quit(guest);
    expect(readdirSync(guest.dir).sort()).toEqual(['a-before.qcow2', 'a.qcow2', 'b.qcow2']);
    expect(hasPattern(guest.path('a'), 0xee, 0, 1)).toBe(true); // the write went to the original image
    expect(compareImages(guest.path('a'), guest.path('a-before'))).toMatchObject({ identical: false });
    for (const disk of ['a', 'b']) expect(checkImage(guest.path(disk)).status).toBe(0);
  });
});

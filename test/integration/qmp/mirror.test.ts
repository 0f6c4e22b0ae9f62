// Live copy of a running guest's disk with blockdev-mirror, the three ways the agent ends it:
// pivot after a full copy, pivot after a shallow copy onto a pre-created target, abort without pivot.
import { afterEach, describe, expect, it } from 'vitest';
import { blockdevAdd, blockdevCreate, blockdevDel } from '../../../src/qmp/blockdev.js';
import { finishJob, waitForJobStatus } from '../../../src/qmp/job-wait.js';
import { blockJobCancel, blockdevMirror, jobComplete } from '../../../src/qmp/jobs.js';
import { fileNode, imageNode } from '../../../src/qmp/node-options.js';
import { snapshotAction, transaction } from '../../../src/qmp/transaction.js';
import { DISK_MIB, deviceNode, namedNodes, quit, startGuest, type Guest, pivotWhenReady } from './guest.js';
import { MiB, checkImage, compareImages, createQcow2, imageInfo } from './images.js';

let guest: Guest | undefined;
afterEach(async () => {
  await guest?.dispose();
  guest = undefined;
}, 10_000);

describe('blockdev-mirror on a live guest disk', () => {
  it('full copy: blockdev-create target, mirror to READY, pivot, finalize, dismiss', { timeout: 15_000 }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    const copy = guest.path('copy');
    await blockdevCreate(qmp, 'create-copy-file', { driver: 'file', filename: copy, size: 0 });
    await blockdevAdd(qmp, fileNode('copy-file', copy));
    await blockdevCreate(qmp, 'create-copy', { driver: 'qcow2', file: 'copy-file', size: DISK_MIB * MiB });
    await blockdevAdd(qmp, { driver: 'qcow2', 'node-name': 'copy', file: 'copy-file', backing: null });

    await pivotWhenReady(qmp, 'copy-vda', () =>
      blockdevMirror(qmp, { jobId: 'copy-vda', device: 'top', target: 'copy', sync: 'full' }),
    );
    expect(await deviceNode(guest)).toBe('copy');

    // The old chain is no longer the guest's: release it, top first (it holds base as backing).
    await blockdevDel(qmp, 'top');
    await blockdevDel(qmp, 'base');
    expect((await namedNodes(guest)).names).toEqual(['copy', 'copy-file']);
    expect(guest.transcript.commands({ queries: false }).map((c) => c.execute)).toEqual([
      'qmp_capabilities',
      'blockdev-create',
      'job-dismiss',
      'blockdev-add',
      'blockdev-create',
      'job-dismiss',
      'blockdev-add',
      'blockdev-mirror',
      'job-complete',
      'job-finalize',
      'job-dismiss',
      'blockdev-del',
      'blockdev-del',
    ]);

    await quit(guest);
    expect(compareImages(guest.path('top'), copy)).toMatchObject({ identical: true });
    expect(checkImage(copy).status).toBe(0);
    expect(imageInfo(copy)['backing-filename']).toBeUndefined();
  });

  it('shallow copy onto a pre-created target: attach its backing with blockdev-snapshot, then pivot', {
    timeout: 15_000,
  }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    const copy = guest.path('copy');
    createQcow2(copy, DISK_MIB, 'base.qcow2'); // REUSE_EXT: the target already names the source's backing
    await blockdevAdd(qmp, imageNode('copy', copy, { format: 'qcow2', backing: null }));

    await waitForJobStatus(qmp, 'copy-vda', 'ready', {
      timeoutMs: 10_000,
      start: () => blockdevMirror(qmp, { jobId: 'copy-vda', device: 'top', target: 'copy', sync: 'top' }),
    });
    // The target's own backing chain, opened as separate read-only nodes, goes under the copy.
    await blockdevAdd(
      qmp,
      imageNode('copy-base', guest.path('base'), { format: 'qcow2', backing: null, readOnly: true }),
    );
    await transaction(qmp, [snapshotAction('copy-base', 'copy')]);
    await jobComplete(qmp, 'copy-vda');
    await finishJob(qmp, 'copy-vda', { timeoutMs: 10_000 });
    expect(await deviceNode(guest)).toBe('copy');

    await blockdevDel(qmp, 'top');
    await blockdevDel(qmp, 'base');
    const nodes = await namedNodes(guest);
    expect(nodes.names).toEqual(['copy', 'copy-base']);
    expect(nodes.backingOf('copy')).toBe(guest.path('base'));

    await quit(guest);
    expect(compareImages(guest.path('top'), copy)).toMatchObject({ identical: true });
    expect(checkImage(copy).status).toBe(0);
    expect(imageInfo(copy)['backing-filename']).toBe('base.qcow2');
  });

  it('copy then block-job-cancel after READY: consistent copy, no pivot', { timeout: 15_000 }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    const copy = guest.path('copy');
    createQcow2(copy, DISK_MIB);
    await blockdevAdd(qmp, imageNode('copy', copy, { format: 'qcow2', backing: null }));

    await waitForJobStatus(qmp, 'copy-vda', 'ready', {
      timeoutMs: 10_000,
      start: () => blockdevMirror(qmp, { jobId: 'copy-vda', device: 'top', target: 'copy', sync: 'full' }),
    });
    await blockJobCancel(qmp, 'copy-vda');
    const done = await finishJob(qmp, 'copy-vda', { timeoutMs: 10_000 });
    expect(done.error).toBeUndefined();
    expect(await deviceNode(guest)).toBe('top');
    await blockdevDel(qmp, 'copy');
    expect((await namedNodes(guest)).names).toEqual(['base', 'top']);

    await quit(guest);
    expect(compareImages(guest.path('top'), copy)).toMatchObject({ identical: true });
    expect(checkImage(copy).status).toBe(0);
  });
});

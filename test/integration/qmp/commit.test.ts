// Live block-commit: active commit (delete the current snapshot layer, pivot to its parent) and
// intermediate commit (merge a middle layer into its parent; ends by itself).
import { afterEach, describe, expect, it } from 'vitest';
import { blockdevDel, queryNamedBlockNodes } from '../../../src/qmp/blockdev.js';
import { finishJob, waitForJobStatus } from '../../../src/qmp/job-wait.js';
import { blockCommit } from '../../../src/qmp/jobs.js';
import { deviceNode, namedNodes, quit, startGuest, type Guest, pivotWhenReady } from './guest.js';
import { checkImage, compareImages, flattenCopy, imageInfo } from './images.js';

let guest: Guest | undefined;
afterEach(async () => {
  await guest?.dispose();
  guest = undefined;
}, 10_000);

describe('block-commit on a live guest disk', () => {
  it('active commit: READY, pivot to the base, finalize, dismiss, drop the top node', { timeout: 15_000 }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    flattenCopy(guest.path('top'), guest.path('before'));

    await pivotWhenReady(qmp, 'commit-vda', () =>
      blockCommit(qmp, { jobId: 'commit-vda', device: 'top', topNode: 'top', baseNode: 'base' }),
    );
    expect(await deviceNode(guest)).toBe('base');
    await blockdevDel(qmp, 'top');
    const nodes = await queryNamedBlockNodes(qmp);
    expect(nodes.map((n) => n['node-name']).filter((n) => !n.startsWith('#'))).toEqual(['base']);
    expect(nodes[0]?.ro).toBe(false); // the guest writes to the base now
    expect(guest.transcript.commands({ queries: false }).map((c) => c.execute)).toEqual([
      'qmp_capabilities',
      'block-commit',
      'job-complete',
      'job-finalize',
      'job-dismiss',
      'blockdev-del',
    ]);

    await quit(guest);
    expect(compareImages(guest.path('base'), guest.path('before'))).toMatchObject({ identical: true });
    expect(checkImage(guest.path('base')).status).toBe(0);
  });

  it('intermediate commit: mid into base, top rebased onto base with a relative name', {
    timeout: 15_000,
  }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'mid', 'top'] }]);
    const { qmp } = guest.vm;
    flattenCopy(guest.path('top'), guest.path('before'));

    // No READY phase: the job runs to 'pending' by itself and waits there for job-finalize.
    await waitForJobStatus(qmp, 'commit-vda', 'pending', {
      timeoutMs: 10_000,
      start: () =>
        blockCommit(qmp, {
          jobId: 'commit-vda',
          device: 'top',
          topNode: 'mid',
          baseNode: 'base',
          backingFile: 'base.qcow2',
        }),
    });
    await finishJob(qmp, 'commit-vda', { timeoutMs: 10_000 });
    expect(await deviceNode(guest)).toBe('top');
    await blockdevDel(qmp, 'mid');
    const nodes = await namedNodes(guest);
    expect(nodes.names).toEqual(['base', 'top']);
    // QEMU reports the backing node's file name; the name written into top.qcow2 is checked below.
    expect(nodes.backingOf('top')).toBe(guest.path('base'));

    await quit(guest);
    expect(compareImages(guest.path('top'), guest.path('before'))).toMatchObject({ identical: true });
    expect(imageInfo(guest.path('top'))['backing-filename']).toBe('base.qcow2');
    for (const layer of ['base', 'top']) expect(checkImage(guest.path(layer)).status).toBe(0);
  });
});

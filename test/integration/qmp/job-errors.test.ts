// How jobs fail, as the agent will meet it: pivot before READY refused, a cancelled copy reported
// as failed by the waiters (and still dismissed), a blockdev-create that cannot create its file.
import { afterEach, describe, expect, it } from 'vitest';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';
import { blockdevAdd, blockdevCreate, blockdevDel, queryBlock } from '../../../src/qmp/blockdev.js';
import { isQmpCommandError } from '../../../src/qmp/errors.js';
import { finishJob, waitForJobStatus } from '../../../src/qmp/job-wait.js';
import { applyJobVerb } from '../../../src/qmp/job-verbs.js';
import { blockdevMirror, jobCancel, jobComplete, queryJobs } from '../../../src/qmp/jobs.js';
import { imageNode } from '../../../src/qmp/node-options.js';
import { DISK_MIB, quit, startGuest, type Guest } from './guest.js';
import { checkImage, createQcow2 } from './images.js';

let guest: Guest | undefined;
afterEach(async () => {
  await guest?.dispose();
  guest = undefined;
}, 10_000);

/** A mirror throttled to 1 byte/s: it stays 'running' for as long as the test needs. */
async function startSlowMirror(g: Guest): Promise<void> {
  createQcow2(g.path('copy'), DISK_MIB);
  await blockdevAdd(g.vm.qmp, imageNode('copy', g.path('copy'), { format: 'qcow2', backing: null }));
  await blockdevMirror(g.vm.qmp, { jobId: 'copy-vda', device: 'top', target: 'copy', sync: 'full', speed: 1 });
}

describe('block job failures', () => {
  it('refuses a pivot before READY with QEMU class and desc', { timeout: 15_000 }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    await startSlowMirror(guest);
    expect((await queryJobs(qmp))[0]?.status).toBe('running');
    const error = await jobComplete(qmp, 'copy-vda').catch((e: unknown) => e);
    expect(isQmpCommandError(error, 'GenericError')).toBe(true);
    expect((error as { detail: { desc: string } }).detail.desc).toMatch(/cannot accept command verb 'complete'/);
    expect((await queryBlock(qmp))[0]?.inserted?.['node-name']).toBe('top');
  });

  it('applyJobVerb refuses a pivot before READY by the state table, without asking QEMU', {
    timeout: 15_000,
  }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    await startSlowMirror(guest);
    const error = await applyJobVerb(qmp, 'copy-vda', 'complete').catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_PLAN_PIVOT_BEFORE_READY')).toBe(true);
    expect(guest.transcript.commands().map((c) => c.execute)).not.toContain('job-complete');
    await applyJobVerb(qmp, 'copy-vda', 'cancel'); // allowed while running
    await expect(finishJob(qmp, 'copy-vda', { timeoutMs: 5_000 })).rejects.toMatchObject({ code: 'E_QMP_JOB_FAILED' });
  });

  it('a cancelled copy fails the READY waiter and finishJob, and is still dismissed', { timeout: 15_000 }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
    const { qmp } = guest.vm;
    await startSlowMirror(guest);
    const ready = waitForJobStatus(qmp, 'copy-vda', 'ready', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    await jobCancel(qmp, 'copy-vda');
    const waitError = await ready;
    // 'aborting' cannot lead to 'ready'; QEMU has already recorded why (query-jobs 'error').
    expect(isVdiskError(waitError, 'E_QMP_JOB_FAILED')).toBe(true);
    expect((waitError as Error).message).toMatch(/Operation canceled/);
    const finishError = await finishJob(qmp, 'copy-vda', { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(isVdiskError(finishError, 'E_QMP_JOB_FAILED')).toBe(true);
    expect((finishError as { detail: { desc: string } }).detail.desc).toMatch(/cancel/i);
    expect(await queryJobs(qmp)).toEqual([]);
    expect((await queryBlock(qmp))[0]?.inserted?.['node-name']).toBe('top');
    await blockdevDel(qmp, 'copy');
    await quit(guest);
    expect(checkImage(guest.path('top')).status).toBe(0);
  });

  it('reports a blockdev-create that fails as E_QMP_JOB_FAILED and leaves no job behind', {
    timeout: 10_000,
  }, async () => {
    guest = await startGuest([{ id: 'vda', layers: ['base'] }]);
    const { qmp } = guest.vm;
    const error = await blockdevCreate(
      qmp,
      'create-bad',
      { driver: 'file', filename: `${guest.dir}/no/such/dir.qcow2`, size: 0 },
      5_000,
    ).catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_QMP_JOB_FAILED')).toBe(true);
    expect((error as { detail: { desc: string } }).detail.desc).toMatch(/No such file or directory/);
    expect(await queryJobs(qmp)).toEqual([]);
  });
});

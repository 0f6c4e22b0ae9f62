// Cancel a gateway job from the console, against the system `vdisk start` runs. The job has to last:
// the test puts a 256 GiB qcow2 with preallocated metadata into pool-a (every cluster allocated, the
// file sparse: ~40 MiB on disk), so moving it reads 256 GiB through the engine — minutes, where the
// demo volumes move in about a second. Ordering is by visible state only: Cancel is pressed (keys
// only) once the job shows progress (its first step done, the copy started); then the console, the agent (GET
// /v1/jobs/:id through the gateway) and the pools must all say the job was cancelled and rolled back.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { listTree, slowVolume } from './slow-volume.js';
import { useSystemSession } from './system-session.js';
import { tabTo } from './keys.js';
import { axeViolations } from './axe.js';
import { confirmWithKeys } from './page-helpers.js';

describe('console: cancel a gateway job (`vdisk start`)', () => {
  const s = useSystemSession('jobcancel', {
    vm: false,
    // A volume that takes minutes to copy: 256 GiB, every cluster allocated, almost nothing on disk.
    prepare: (sys) => slowVolume(join(sys.dir, 'pool-a/big.qcow2'), '256G'),
  });

  it('cancels a running move with the keyboard: cancelled in the console and the agent, nothing left in the pools', async () => {
    const { sys, b } = s;
    const { page } = b;
    const poolsBefore = { a: listTree(join(sys.dir, 'pool-a')), b: listTree(join(sys.dir, 'pool-b')) };
    expect(poolsBefore.b).toEqual([]);
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    expect(await page.textContent('#inventory')).toContain('pool-a:big.qcow2');

    await page.selectOption('#op-kind', 'move');
    await page.selectOption('#op-volume', 'pool-a:big.qcow2');
    await page.selectOption('#op-pool', 'pool-b');
    // Both pools share the test's file system: without this the move is a rename, over at once.
    await page.selectOption('#op-method', 'copy');
    await page.click('#plan-preview');
    await page.waitForSelector('#plan-words');
    expect(await page.textContent('#plan-effects')).toContain('pool-a:big.qcow2');
    await tabTo(page, '#plan-run');
    await page.keyboard.press('Enter');
    await confirmWithKeys(page, 'pool-a:big.qcow2');

    // The copy is under way: its progress has arrived over SSE and is not at the end.
    await page.waitForFunction(
      () => {
        const v = (document.getElementById('job-progress') as HTMLProgressElement | null)?.value ?? 0;
        return v > 0 && v < 100 && /: running,/.test(document.getElementById('job-state')?.textContent ?? '');
      },
      undefined,
      { timeout: 60_000 },
    );
    const jobId = (await page.textContent('#job-state'))!.match(/Job (\S+):/)![1]!;
    await tabTo(page, '#job-cancel');
    await page.keyboard.press('Enter');

    // The agent reads a cancel that stopped the copy as `cancelled` or, when the engine's own cancel
    // code reached it, as `rolled-back` with that code: either way rolled back at the user's request.
    await page.waitForSelector('#job-outcome:has-text("Cancelled as asked")', { timeout: 60_000 });
    expect(await page.textContent('#job-state')).toMatch(new RegExp(`^Job ${jobId}: (cancelled|rolled-back),`));
    expect(await page.isDisabled('#job-cancel')).toBe(true);
    expect(await page.textContent('#gateway-error')).toBe('');
    expect(await axeViolations(page)).toEqual([]);

    // The agent's word, through the gateway with the console's own token.
    const status = await page.evaluate(async (id) => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('token:'))!;
      const res = await fetch(`/v1/jobs/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${sessionStorage.getItem(key)}` },
      });
      return {
        http: res.status,
        body: (await res.json()) as {
          state: string;
          report?: { outcome: string; failure?: { code: string; action: string } };
        },
      };
    }, jobId);
    expect(status.http).toBe(200);
    expect(['cancelled', 'rolled-back']).toContain(status.body.state);
    expect(status.body.report?.outcome).toBe('rolled-back');
    expect(status.body.report?.failure?.code).toMatch(/^E_(AGENT_)?CANCELLED$/);
    expect(status.body.report?.failure?.action).toBe('copy-data'); // stopped in the copy, not after it
    expect(await page.textContent('#job-state')).toContain(`: ${status.body.state},`);

    // Rolled back: the target and any temporary file are gone, the source is where it was.
    expect(listTree(join(sys.dir, 'pool-b'))).toEqual([]);
    expect(listTree(join(sys.dir, 'pool-a'))).toEqual(poolsBefore.a);
    // The agent's inventory has the volume in pool-a only, and no record of the rolled-back copy.
    const inv = await page.evaluate(async () => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('token:'))!;
      const res = await fetch('/v1/inventory', { headers: { authorization: `Bearer ${sessionStorage.getItem(key)}` } });
      return ((await res.json()) as { inventory: { volumes: { id: string; pool: string; path: string }[] } }).inventory
        .volumes;
    });
    expect(inv.filter((v) => v.path.endsWith('/big.qcow2')).map((v) => v.pool)).toEqual(['pool-a']);
    expect(inv.filter((v) => v.pool === 'pool-b')).toEqual([]);

    // History keeps the cancelled job.
    await page.click('nav a[href="#history"]');
    await page.waitForSelector(`#history-jobs tr:has-text("${jobId}")`);
    expect(await page.textContent(`#history-jobs tr:has-text("${jobId}")`)).toMatch(/cancelled|rolled-back/);
    expect(b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  }, 180_000);
});

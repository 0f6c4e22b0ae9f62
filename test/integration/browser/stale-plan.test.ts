// The stale-plan screen against `vdisk start`: a move of pool-a:disk.qcow2 is previewed, then the
// volume is grown on disk underneath (`qemu-img resize`, 64 → 128 MiB), so the agent, planning the
// request again from its own facts when the plan is submitted, answers 409 E_PLAN_STALE with its fresh
// plan. The console must show that plan, say what changed (the target it creates is 128 MiB, not 64),
// ask again, and run nothing; confirming runs the fresh plan, and the moved volume is 128 MiB.
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { qemuImg, qemuInfoJson } from '../../fixtures/qemu.js';
import { useSystemSession } from './system-session.js';
import { axeViolations } from './axe.js';
import { confirmWithKeys } from './page-helpers.js';
import { tabTo } from './keys.js';

describe('console: a stale plan is shown again with what changed (`vdisk start`)', () => {
  const s = useSystemSession('staleplan', { vm: false });

  it('shows the fresh plan and the change after 409 E_PLAN_STALE, and runs it once confirmed', async () => {
    const { sys, b } = s;
    const { page } = b;
    const disk = join(sys.dir, 'pool-a/disk.qcow2');
    await page.goto(sys.loginUrl);
    await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
    expect(await page.textContent('#inventory')).toContain('pool-a:disk.qcow2');
    await page.selectOption('#op-kind', 'move');
    await page.selectOption('#op-volume', 'pool-a:disk.qcow2');
    await page.selectOption('#op-pool', 'pool-b');
    await page.click('#plan-preview');
    await page.waitForSelector('#plan-words');
    expect(await page.textContent('#h-plan')).toBe('Plan');
    expect(await page.textContent('#plan-effects')).toContain('Creates pool-b:disk.qcow2 (64 MiB)');
    const firstPlan = JSON.parse((await page.textContent('#plan-json'))!) as { id: string; facts: string };

    // The facts change underneath the preview.
    qemuImg(['resize', '-q', '-f', 'qcow2', disk, '128M']);

    await page.click('#plan-run');
    await confirmWithKeys(page, 'pool-a:disk.qcow2');
    // The agent refused the old plan: the view shows its new one, what changed, and asks again.
    await page.waitForSelector('#plan-changed');
    expect(await page.textContent('#h-plan')).toBe('New plan');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('h-plan');
    const changed = await page.locator('#plan-changed li').allTextContents();
    expect(changed).toContain('no longer: Creates pool-b:disk.qcow2 (64 MiB)');
    expect(changed).toContain('now: Creates pool-b:disk.qcow2 (128 MiB)');
    expect(await page.textContent('#plan-effects')).toContain('Creates pool-b:disk.qcow2 (128 MiB)');
    const fresh = JSON.parse((await page.textContent('#plan-json'))!) as { id: string; facts: string };
    expect(fresh.facts).not.toBe(firstPlan.facts);
    expect(await page.textContent('#plan-run')).toBe('Run the new plan');
    expect(await page.textContent('#status')).toBe('The plan was stale: review the new plan');
    expect(await page.textContent('#gateway-error')).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    // Nothing ran: the source is where it was, pool-b is empty.
    expect(existsSync(disk)).toBe(true);
    expect(readdirSync(join(sys.dir, 'pool-b'))).toEqual([]);

    // Asked again: confirming runs the fresh plan to the end.
    await tabTo(page, '#plan-run');
    await page.keyboard.press('Enter');
    await confirmWithKeys(page, 'pool-a:disk.qcow2');
    await page.waitForSelector('#job-state:has-text("done")', { timeout: 120_000 });
    expect(existsSync(disk)).toBe(false);
    expect(qemuInfoJson(join(sys.dir, 'pool-b/disk.qcow2'))['virtual-size']).toBe(128 << 20);
    expect(b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  }, 240_000);
});

// Cancel a convert mid-way: the console says so, no partial file stays in OPFS, and the same worker
// then converts again correctly. The source is served over HTTP ranges behind a gate: once the image
// is open the gate holds every range past the first quarter of the file, so the convert cannot finish
// (whatever its speed or ranges in flight) and Cancel is pressed while it certainly runs, its progress
// shown between 0 and 100 % (every cluster of the image is allocated, so nothing past the held range
// counts as done before it is read). The gate opens only after the cancel.
import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { qemuImg } from '../../fixtures/qemu.js';
import type { Chromium } from './browser.js';
import { useConsoleSession } from './console-session.js';
import { loadConsole, openFiles, opfsNames, opfsSha256, waitForMap } from './page-helpers.js';
import { RangeGate } from './range-gate.js';

type Stats = { generation: number; memoryInUse: number; running: string[] };
const workerStats = (page: Chromium['page']): Promise<Stats> =>
  page.evaluate(async () => {
    const bridge = (
      window as unknown as {
        vdiskConsole: { bridge: { generation: number; stats(): Promise<{ memoryInUse: number; running: string[] }> } };
      }
    ).vdiskConsole.bridge;
    const s = await bridge.stats();
    return {
      generation: bridge.generation,
      memoryInUse: s.memoryInUse,
      running: s.running.filter((r) => !r.startsWith('call-')),
    };
  });

describe('console: cancel a convert', () => {
  const gate = new RangeGate();
  let long = '';
  const session = useConsoleSession((fx) => {
    // 512 MiB, every cluster allocated (metadata preallocation), next to nothing on disk.
    long = join(fx.dir, 'long.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'preallocation=metadata', long, '512M']);
    return { slow: { files: [long], gate } };
  });

  it('stops mid-way, leaves nothing behind, and the worker recovers', async () => {
    const { page } = session.b;
    await loadConsole(page, session.site.url);
    await page.fill('#url-input', `${session.site.url}slow/long.qcow2`);
    await page.click('form.inline button[type=submit]');
    await waitForMap(page);
    const before = await workerStats(page);
    gate.close(statSync(long).size >> 2);
    try {
      await page.fill('#convert-path', 'cancelled/flat.raw');
      await page.click('#convert-start');
      await gate.reached(60_000); // the convert now waits on a held range: it cannot end by itself
      await page.waitForFunction(
        () => {
          const v = (document.getElementById('convert-progress') as HTMLProgressElement).value;
          return v > 0 && v < 100;
        },
        undefined,
        { timeout: 60_000 },
      );
      await page.click('#convert-cancel');
      await page.waitForSelector('#convert-result:has-text("Cancelled")', { timeout: 30_000 });
    } finally {
      gate.open(); // held answers go out (to aborted requests), and the server can close
    }
    expect(await page.isVisible('#images-error')).toBe(false);
    expect(await page.textContent('#status')).toContain('cancelled');
    // Cancel gave back the engine memory of the convert: freed in the same worker, or, where the
    // engine could not free everything, by replacing the worker.
    const after = await workerStats(page);
    expect(after.generation).toBeGreaterThanOrEqual(before.generation);
    expect(after.memoryInUse).toBeLessThanOrEqual(before.memoryInUse);
    expect(after.running).toEqual([]);
    const names = await opfsNames(page);
    expect(names.filter((n) => n.startsWith('cancelled/'))).toEqual([]);

    // The worker recovers: a local open and a full flatten work and give qemu-img's bytes.
    await openFiles(page, [session.fx.top, session.fx.base]);
    await page.fill('#convert-path', 'after-cancel/flat.raw');
    await page.click('#convert-start');
    await page.waitForSelector('#convert-result:has-text("Done")', { timeout: 60_000 });
    expect(await opfsSha256(page, 'after-cancel/flat.raw')).toBe(session.fx.flatSha256);
    expect(session.b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});

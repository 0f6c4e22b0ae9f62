// What the console remembers across a reload (IndexedDB through idb-keyval): recent images, which
// reopen from private storage with one button; and the history view's stored jobs and gateways.
import { describe, expect, it } from 'vitest';
import { useConsoleSession } from './console-session.js';
import { loadConsole, openFiles, waitForMap } from './page-helpers.js';

describe('console: remembered across reloads', () => {
  const session = useConsoleSession();

  it('keeps recent images and reopens one from OPFS after a reload', async () => {
    const { page } = session.b;
    await loadConsole(page, session.site.url);
    await openFiles(page, [session.fx.top, session.fx.base]);
    await page.fill('#convert-path', 'kept/flat.raw');
    await page.click('#convert-start');
    await page.waitForSelector('#convert-result:has-text("Done")', { timeout: 60_000 });
    await page.click('button[aria-label="Open kept/flat.raw"]');
    await page.waitForSelector('#image-details h3:has-text("kept/flat.raw")');
    await waitForMap(page);

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    const recent = await page.$$eval('#recent-images li', (lis) => lis.map((l) => l.textContent ?? ''));
    expect(recent[0]).toContain('kept/flat.raw');
    expect(recent.some((r) => r.includes('disk.qcow2') && r.includes('pick it again'))).toBe(true);
    await page.click('button[aria-label="Open kept/flat.raw again"]');
    await waitForMap(page);
    expect(await page.textContent('#image-info')).toContain(`${session.fx.virtualSize} bytes`);
    expect(session.b.problems).toEqual([]);
  });

  it('lists stored jobs and gateway connections in History after a reload', async () => {
    const { page } = session.b;
    await page.evaluate(async () => {
      // The records job-view.ts and the gateway view write, stored the same way (idb-keyval's default store).
      const req = indexedDB.open('keyval-store');
      const db = await new Promise<IDBDatabase>((ok) => {
        req.onsuccess = () => ok(req.result);
      });
      const tx = db.transaction('keyval', 'readwrite');
      tx.objectStore('keyval').put(
        [
          {
            id: 'local~j1',
            kind: 'move',
            summary: 'move vol-a to pool-b',
            gateway: location.origin,
            state: 'done',
            progress: 1,
            startedAt: 1,
            updatedAt: 2,
          },
        ],
        'jobs',
      );
      tx.objectStore('keyval').put([{ url: location.origin, at: 3, agents: ['local'] }], 'connections');
      await new Promise((ok) => {
        tx.oncomplete = ok;
      });
    });
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]');
    await page.click('nav a[href="#history"]');
    await page.waitForSelector('#history-jobs tr:has-text("local~j1")');
    expect(await page.textContent('#history-jobs')).toContain('move vol-a to pool-b');
    expect(await page.textContent('#history-connections')).toContain('local');
  });
});

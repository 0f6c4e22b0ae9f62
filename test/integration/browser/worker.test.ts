// The bridge's contract seen from the page: typed errors with codes and hints, the scalar build
// chosen on request (SIMD by feature detection otherwise), idle workers terminated and restarted on
// demand, a stream target (bytes in order), and a qcow2 convert downloaded and judged by qemu-img.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { join } from 'node:path';
import type { Chromium } from './browser.js';
import { useConsoleSession } from './console-session.js';
import { loadConsole, openFiles, waitForMap } from './page-helpers.js';

type Bridge = { workerRunning: boolean; generation: number };
const bridgeState = (page: Chromium['page']) =>
  page.evaluate(() => {
    const b = (window as unknown as { vdiskConsole: { bridge: Bridge } }).vdiskConsole.bridge;
    return { running: b.workerRunning, generation: b.generation };
  });

describe('engine worker through the bridge', () => {
  const session = useConsoleSession();

  it('rebuilds engine errors on the main thread with code and hint', async () => {
    const { page } = session.b;
    await loadConsole(page, session.site.url);
    await page.setInputFiles('#file-input', [session.fx.top]); // without its backing file
    await page.waitForSelector('#images-error:not([hidden])');
    expect(await page.textContent('#images-error .code')).toBe('E_BACKING_MISSING');
    expect(await page.textContent('#images-error')).toContain(
      'select or drop the image together with its backing files',
    );
  });

  it('opens an image dropped on the page', async () => {
    const { page } = session.b;
    const small = join(session.fx.dir, 'small.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', small, '8M']);
    qemuIo(small, ['write -P 0x42 1M 1M']);
    const b64 = readFileSync(small).toString('base64');
    await loadConsole(page, session.site.url);
    const dt = await page.evaluateHandle((data) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const t = new DataTransfer();
      t.items.add(new File([bytes], 'small.qcow2'));
      return t;
    }, b64);
    await page.dispatchEvent('#view-images', 'dragover', { dataTransfer: dt });
    await page.dispatchEvent('#view-images', 'drop', { dataTransfer: dt });
    await waitForMap(page);
    expect(await page.textContent('#image-info')).toContain('8388608 bytes');
  });

  it('uses the scalar build when asked, with the same result', async () => {
    const { page } = session.b;
    await loadConsole(page, `${session.site.url}?engine=scalar`);
    await openFiles(page, [session.fx.top, session.fx.base]);
    expect(await page.textContent('#image-info')).toContain('Wasm scalar');
    await loadConsole(page, session.site.url);
    await openFiles(page, [session.fx.top, session.fx.base]);
    expect(await page.textContent('#image-info')).toContain('Wasm SIMD'); // Chromium validates SIMD
  });

  it('terminates an idle worker and starts a fresh one on the next call', async () => {
    const { page } = session.b;
    await loadConsole(page, `${session.site.url}?idleMs=300`);
    await openFiles(page, [session.fx.top, session.fx.base]);
    const before = await bridgeState(page);
    await page.waitForFunction(
      () => !(window as unknown as { vdiskConsole: { bridge: Bridge } }).vdiskConsole.bridge.workerRunning,
      undefined,
      { timeout: 30_000 },
    );
    await page.click('button:has-text("Check image")');
    await page.waitForSelector('#check-result:has-text("No errors were found")');
    expect((await bridgeState(page)).generation).toBe(before.generation + 1);
  });

  it('streams a raw flatten to a stream target, in order', async () => {
    const { page } = session.b;
    await loadConsole(page, session.site.url);
    await openFiles(page, [session.fx.top, session.fx.base]);
    const hex = await page.evaluate(async () => {
      const files = [...(document.getElementById('file-input') as HTMLInputElement).files!];
      const bridge = (
        window as unknown as {
          vdiskConsole: {
            bridge: {
              open(r: unknown): Promise<unknown>;
              convert(h: unknown, t: unknown, q: unknown): Promise<unknown>;
            };
          };
        }
      ).vdiskConsole.bridge;
      const h = await bridge.open({
        kind: 'blob',
        files,
        names: files.map((f) => f.name),
        top: files.findIndex((f) => f.name === 'disk.qcow2'),
      });
      const chunks: Uint8Array[] = [];
      const stream = new WritableStream<Uint8Array>({
        write: (c) => {
          chunks.push(c);
        },
      });
      await bridge.convert(h, { kind: 'stream', stream, name: 'flat.raw' }, { targetFormat: 'raw' });
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        all.set(c, at);
        at += c.length;
      }
      const d = await crypto.subtle.digest('SHA-256', all);
      return [...new Uint8Array(d)].map((x) => x.toString(16).padStart(2, '0')).join('');
    });
    expect(hex).toBe(session.fx.flatSha256);
  });

  it('converts to qcow2 in OPFS and downloads an image qemu-img finds clean and equal', async () => {
    const { page } = session.b;
    await page.selectOption('#convert-format', 'qcow2');
    expect(await page.inputValue('#convert-path')).toMatch(/\.qcow2$/);
    await page.fill('#convert-path', 'q/flat.qcow2');
    await page.click('#convert-start');
    await page.waitForSelector('#convert-result:has-text("Done")', { timeout: 60_000 });
    const download = page.waitForEvent('download');
    await page.click('button[aria-label="Download q/flat.qcow2"]');
    const saved = join(session.fx.dir, 'downloaded.qcow2');
    await (await download).saveAs(saved);
    execFileSync('qemu-img', ['check', '-f', 'qcow2', saved]);
    execFileSync('qemu-img', ['compare', '-f', 'qcow2', '-F', 'raw', saved, session.fx.flat]);
    expect(session.b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });
});

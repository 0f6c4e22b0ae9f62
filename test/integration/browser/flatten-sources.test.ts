// Flatten in the browser from each kind of source, through the engine worker as the console runs it:
// a picked File (read each way worker/blob-read.ts offers), a file in OPFS and an HTTP range URL all
// give exactly the bytes of qemu-img convert (the 64 MiB chain spans eight of the 8 MiB chunks a File
// source is copied in, eight in flight); a cancel mid-way (of a flatten far too long to end first)
// leaves no file in OPFS, hidden partial ones included; and a 16 GiB sparse image flattens without
// more Wasm memory than a 2 GiB one holding the same data, with a JS heap in the worker within a bound
// far above what a size-dependent structure would need to break.
import { describe, expect, it } from 'vitest';
import { closeSync, openSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import type { Page } from './browser.js';
import { useConsoleSession } from './console-session.js';
import { loadConsole, opfsNames, opfsSha256 } from './page-helpers.js';
import { watchWorkerHeaps } from './worker-heap.js';

const MiB = 1 << 20;

/** Opens `ref` (with `{ files }` standing for the picked files) and flattens it to raw at `out` in OPFS. */
function flatten(page: Page, ref: Record<string, unknown>, out: string): Promise<{ wasmBytes: number; size: number }> {
  return page.evaluate(
    async ({ ref, out }) => {
      const bridge = (window as unknown as { vdiskConsole: { bridge: any } }).vdiskConsole.bridge;
      const files = [...(document.getElementById('file-input') as HTMLInputElement).files!];
      const real =
        ref.kind === 'files'
          ? {
              kind: 'blob',
              files,
              names: files.map((f) => f.name),
              top: Math.max(
                0,
                files.findIndex((f) => f.name === 'disk.qcow2'),
              ),
              read: ref.read,
            }
          : ref;
      const h = await bridge.open(real);
      const r = await bridge.convert(h, { kind: 'opfs', path: out }, { targetFormat: 'raw' });
      await bridge.close(h);
      return { wasmBytes: (await bridge.stats()).wasmBytes as number, size: r.virtualSize as number };
    },
    { ref, out },
  );
}

describe('console: flatten from every source', () => {
  const session = useConsoleSession((fx) => ({ slow: { files: [fx.top, fx.base] } }));

  it("gives qemu-img convert's bytes from a picked File, from OPFS and over HTTP ranges", async () => {
    const { page } = session.b;
    await loadConsole(page, session.site.url);
    await page.setInputFiles('#file-input', [session.fx.top, session.fx.base]);
    await flatten(page, { kind: 'files' }, 'from-file/flat.raw');
    expect(await opfsSha256(page, 'from-file/flat.raw')).toBe(session.fx.flatSha256);
    // Every way of reading a File the bench compares gives the same bytes (worker/blob-read.ts).
    for (const read of ['stream', 'sync', 'slices']) {
      await flatten(page, { kind: 'files', read }, `from-file-${read}/flat.raw`);
      expect(await opfsSha256(page, `from-file-${read}/flat.raw`)).toBe(session.fx.flatSha256);
    }

    await page.evaluate(async () => {
      const bridge = (window as unknown as { vdiskConsole: { bridge: any } }).vdiskConsole.bridge;
      for (const f of (document.getElementById('file-input') as HTMLInputElement).files!)
        await bridge.importFile(f, `src/${f.name}`);
    });
    await flatten(page, { kind: 'opfs', path: 'src/disk.qcow2' }, 'from-opfs/flat.raw');
    expect(await opfsSha256(page, 'from-opfs/flat.raw')).toBe(session.fx.flatSha256);

    await flatten(page, { kind: 'url', url: `${session.site.url}slow/disk.qcow2` }, 'from-url/flat.raw');
    expect(await opfsSha256(page, 'from-url/flat.raw')).toBe(session.fx.flatSha256);
    expect(session.b.problems.filter((p) => !p.includes('Failed to load resource'))).toEqual([]);
  });

  it('leaves no OPFS file when a File flatten is cancelled mid-way', async () => {
    const { page } = session.b;
    // A picked File cannot be held like a range request, so the File is one no flatten can finish
    // before a cancel: 1 TiB of raw data (sparse on disk). Reading it takes over half an hour at the
    // fastest Blob reading measured (600 MiB/s); the cancel is one message sent at the first progress.
    const path = join(session.fx.dir, 'long.raw');
    closeSync(openSync(path, 'w'));
    truncateSync(path, 1024 ** 4);
    await loadConsole(page, session.site.url);
    await page.setInputFiles('#file-input', [path]);
    const outcome = await page.evaluate(async () => {
      const bridge = (window as unknown as { vdiskConsole: { bridge: any } }).vdiskConsole.bridge;
      const files = [...(document.getElementById('file-input') as HTMLInputElement).files!];
      const h = await bridge.open({ kind: 'blob', files, names: files.map((f) => f.name), top: 0 });
      const ac = new AbortController();
      let seen = 0;
      let total = 0;
      const onProgress = (p: { done: number; total: number }) => {
        if (p.done > 0 && p.done < p.total && !seen) {
          seen = p.done;
          total = p.total;
          ac.abort();
        }
      };
      const code = await bridge
        .convert(
          h,
          { kind: 'opfs', path: 'cancelled-file/flat.raw' },
          { targetFormat: 'raw' },
          { signal: ac.signal, onProgress },
        )
        .then(
          () => 'finished',
          (e: { code?: string }) => e.code,
        );
      return { code, seen, total };
    });
    expect(outcome.seen).toBeGreaterThan(0);
    expect(outcome.seen).toBeLessThan(outcome.total);
    expect(outcome.code).toBe('E_CANCELLED');
    expect((await opfsNames(page)).filter((n) => n.startsWith('cancelled-file/'))).toEqual([]);
  });

  it('flattens a 16 GiB sparse image in no more memory than a 2 GiB one with the same data', async () => {
    const { page } = session.b;
    const make = (name: string, size: string) => {
      const path = join(session.fx.dir, name);
      qemuImg(['create', '-q', '-f', 'qcow2', path, size]);
      qemuIo(path, ['write -P 0x5a 0 24M', 'write -P 0x6b 1G 24M', 'write -P 0x7c 2040M 8M']);
      return path;
    };
    const small = make('mem-2g.qcow2', '2G');
    const big = make('mem-16g.qcow2', '16G');
    await loadConsole(page, session.site.url);
    const heaps = await watchWorkerHeaps(page);
    const run = async (path: string, out: string) => {
      await page.setInputFiles('#file-input', [path]);
      let peak = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          peak = Math.max(peak, await heaps.used());
          await new Promise((r) => setTimeout(r, 20));
        }
      })();
      const r = await flatten(page, { kind: 'files' }, out).finally(() => {
        sampling = false;
      });
      await sampler;
      await page.evaluate(
        (p) => (window as unknown as { vdiskConsole: { bridge: any } }).vdiskConsole.bridge.removeOpfs(p),
        out,
      );
      return { ...r, peak: Math.max(peak, await heaps.used()) };
    };
    const two = await run(small, 'mem/2g.raw');
    const sixteen = await run(big, 'mem/16g.raw');
    await heaps.close();
    expect(two.size).toBe(2 * 1024 * MiB);
    expect(sixteen.size).toBe(16 * 1024 * MiB);
    // Wasm memory only grows: equal means the 16 GiB flatten needed nothing the 2 GiB one had not.
    expect(sixteen.wasmBytes).toBe(two.wasmBytes);
    expect(two.peak).toBeGreaterThan(0); // the worker's heap was read at all
    expect(sixteen.peak).toBeLessThan(two.peak + 64 * MiB);
  });
});

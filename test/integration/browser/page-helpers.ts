// Steps the browser tests share: load the console, open files, wait for the map, read OPFS.
import type { Page } from 'playwright-core';

export async function loadConsole(page: Page, url: string, hash = '#images'): Promise<void> {
  await page.goto(`${url}${hash}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
}

export async function openFiles(page: Page, paths: string[]): Promise<void> {
  await page.setInputFiles('#file-input', paths);
  await waitForMap(page);
}

export async function waitForMap(page: Page): Promise<number> {
  await page.waitForSelector('#map-canvas[data-drawn-ms]', { timeout: 30_000 });
  return Number(await page.getAttribute('#map-canvas', 'data-drawn-ms'));
}

/** SHA-256 (hex) of a file in the page's origin private file system, or null when absent. */
export function opfsSha256(page: Page, path: string): Promise<string | null> {
  return page.evaluate(async (p) => {
    let dir = await navigator.storage.getDirectory();
    const parts = p.split('/');
    try {
      for (const d of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(d);
      const file = await (await dir.getFileHandle(parts[parts.length - 1]!)).getFile();
      const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
      return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
    } catch {
      return null;
    }
  }, path);
}

/** Every entry name in OPFS, recursively, hidden (partial) files included. */
export function opfsNames(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const out: string[] = [];
    const walk = async (dir: FileSystemDirectoryHandle, prefix: string) => {
      for await (const [name, h] of (
        dir as unknown as { entries(): AsyncIterable<[string, FileSystemHandle]> }
      ).entries()) {
        if (h.kind === 'directory') await walk(h as FileSystemDirectoryHandle, `${prefix}${name}/`);
        else out.push(`${prefix}${name}`);
      }
    };
    await walk(await navigator.storage.getDirectory(), '');
    return out;
  });
}

/** The colour of the canvas pixel in the middle of layer `layer`'s band at column `x`. */
export function mapPixel(page: Page, x: number, layer: number): Promise<[number, number, number, number]> {
  return page.evaluate(
    ([px, l]) => {
      const c = document.getElementById('map-canvas') as HTMLCanvasElement;
      const band = c.height / (Number(c.dataset.layers ?? 1) || 1);
      const d = c.getContext('2d')!.getImageData(px, Math.floor(l * band + 4), 1, 1).data;
      return [d[0], d[1], d[2], d[3]] as [number, number, number, number];
    },
    [x, layer] as const,
  );
}

/** Answers the console's confirmation dialog with keys only: types the name it asks for, then confirms. */
export async function confirmWithKeys(page: Page, typeName?: string): Promise<string> {
  await page.waitForSelector('#confirm-dialog[open]');
  const body = (await page.textContent('#confirm-dialog'))!;
  if (typeName) {
    await page.keyboard.type(typeName); // focus starts in the name field
    await page.keyboard.press('Tab');
  } else {
    await page.keyboard.press('Shift+Tab'); // focus starts on Cancel; the confirm button is before it
  }
  if (!(await page.evaluate(() => document.activeElement?.id === 'dialog-confirm')))
    throw new Error('focus is not on the confirm button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#confirm-dialog', { state: 'detached' });
  return body;
}

#!/usr/bin/env node
// `npm run screenshots`: the README's pictures of the console, taken in the same headless Chromium
// the browser tests use, against a real `vdisk start` (demo pool, agent, gateway, demo VM). Not part
// of `npm test`, so tests never rewrite tracked files. Writes docs/screenshots/*.png.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'docs/screenshots');
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function startSystem(dir) {
  const child = spawn(process.execPath, [join(root, 'dist/cli.mjs'), 'start', '--port', '0', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.setEncoding('utf8').on('data', (s) => {
      text += s;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/#login=\S+)/.exec(text);
      if (m)
        resolve({
          loginUrl: m[1],
          stop: () =>
            new Promise((ok) => {
              child.once('exit', ok);
              child.kill('SIGINT');
            }),
        });
    });
    child.once('exit', (code) => reject(new Error(`vdisk start exited (${code}) before printing its link`)));
  });
}

const work = mkdtempSync(join(tmpdir(), 'vdisk-shots-'));
mkdirSync(out, { recursive: true });
const sys = await startSystem(join(work, 'demo'));
const context = await chromium.launchPersistentContext(join(work, 'profile'), {
  executablePath: '/usr/bin/chromium',
  args: FLAGS,
  headless: true,
  viewport: { width: 1280, height: 860 },
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  const shot = async (name) => {
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`docs/screenshots/${name}.png`);
  };
  await page.goto(sys.loginUrl);
  await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
  await shot('gateway');
  await page.selectOption('#op-volume', 'pool-a:disk.qcow2');
  await page.selectOption('#op-pool', 'pool-b');
  await page.click('#plan-preview');
  await page.waitForSelector('#plan-words');
  await shot('plan');
  await page.click('button[aria-label="Inspect pool-a:disk.qcow2"]');
  await page.waitForSelector('#map-canvas[data-drawn-ms]', { timeout: 30_000 });
  await shot('image');
  await page.click('nav a[href="#gateway"]');
  await page.click('#plan-run');
  await page.waitForSelector('#confirm-dialog[open]');
  await page.fill('#dialog-type', 'pool-a:disk.qcow2');
  await shot('confirm');
  await page.click('#dialog-confirm');
  await page.waitForSelector('#job-state:has-text("done")', { timeout: 120_000 });
  await shot('job');
  await page.click('nav a[href="#jobs"]');
  await page.waitForSelector('#jobs-table [data-state]');
  await shot('jobs');
  await page.goto(`${new URL(sys.loginUrl).origin}/#vm/demo-vm`);
  await page.waitForSelector('#vm-detail .chain-layers li', { timeout: 30_000 });
  await shot('vm');
  await page.goto(`${new URL(sys.loginUrl).origin}/#volume/${encodeURIComponent('pool-a:disk.qcow2')}`);
  await page.waitForSelector('#volume-map-canvas[data-drawn]', { timeout: 30_000 });
  await shot('volume');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto(`${new URL(sys.loginUrl).origin}/#gateway`);
  await page.waitForSelector('#gw-status:has-text("Connected")', { timeout: 30_000 });
  await shot('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.click('nav a[href="#history"]');
  await page.waitForSelector('#history-jobs tr');
  await shot('history');
} finally {
  await context.close();
  await sys.stop();
  rmSync(work, { recursive: true, force: true });
}

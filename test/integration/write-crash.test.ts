// Crash safety of the writers: SIGKILL while progress is between 30 % and 70 % of a convert, a
// convert -n -c onto an empty target, a commit, a rebase and a resize --shrink. Afterwards the chain reads as before (qemu-img compare
// against a flat copy taken first; the shrunk image as before or as qemu-img's shrink of it),
// qemu-img check finds no corruption (leaks allowed), and no file sits at the convert's
// destination; the next convert removes the dead run's temporary.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeScratchDir, removeScratchDir } from '../fixtures/tmp-dir.js';
import { qemuImg, qemuIo, runTool } from '../fixtures/qemu.js';
import { CLI } from '../fixtures/vdisk-cli.js';

const MiB = 1 << 20;

/** Runs the CLI with -p and kills it with SIGKILL once its progress is between 30 % and 70 %. */
function killMidway(args: string[], cwd: string): Promise<{ killedAt: number; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let killedAt = -1;
    let err = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      for (const m of d.matchAll(/\((\d+\.\d+)\/100%\)/g)) {
        const pct = Number(m[1]);
        if (killedAt < 0 && pct >= 30 && pct <= 70) {
          killedAt = pct;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(guard);
      if (killedAt < 0) reject(new Error(`never saw 30-70 % progress (exit ${code}) ${err}`));
      else resolve({ killedAt, code });
    });
  });
}

function expectNoCorruption(file: string): void {
  const r = runTool('qemu-img', ['check', file], root);
  expect([0, 3], `${file}: ${r.stdout}${r.stderr}`).toContain(r.status);
}

function expectSame(a: string, b: string): void {
  const r = runTool('qemu-img', ['compare', a, b], root);
  expect(r.status, r.stdout + r.stderr).toBe(0);
}

let root: string;

/** base.raw ← mid.qcow2 ← top.qcow2 with enough data (~300 MiB) that progress is seen mid-way. */
function chain(dir: string): { base: string; mid: string; top: string; flat: string } {
  const base = join(dir, 'base.raw'),
    mid = join(dir, 'mid.qcow2'),
    top = join(dir, 'top.qcow2'),
    flat = join(dir, 'flat.raw');
  qemuImg(['create', '-q', '-f', 'raw', base, '512M']);
  qemuIo(base, ['write -P 0x11 0 128M'], { format: 'raw' });
  qemuImg(['create', '-q', '-f', 'qcow2', '-b', 'base.raw', '-F', 'raw', mid], dir);
  qemuIo(mid, ['write -P 0x22 64M 96M', 'write -z 10M 1M']);
  qemuImg(['create', '-q', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2', top], dir);
  qemuIo(top, ['write -P 0x33 100M 160M', 'write -z 0 4M', 'write -P 0x34 400M 64M']);
  qemuImg(['convert', '-O', 'raw', top, flat], dir);
  return { base, mid, top, flat };
}

describe('SIGKILL between 30 % and 70 % leaves images that read as before', () => {
  beforeAll(() => {
    root = makeScratchDir('write-crash');
  }, 180_000);
  afterAll(() => removeScratchDir(root));

  test('convert: no file at the destination, source unchanged, temporary removed by the next run', async () => {
    const dir = join(root, 'convert');
    require_dir(dir);
    const c = chain(dir);
    const out = join(dir, 'out.qcow2');
    const k = await killMidway(['convert', '-p', '-O', 'qcow2', c.top, out], dir);
    expect(k.killedAt).toBeGreaterThanOrEqual(30);
    expect(existsSync(out)).toBe(false);
    expectSame(c.flat, c.top);
    expectNoCorruption(c.top);
    expect(readdirSync(dir).some((n) => n.startsWith('.out.qcow2.vdisk-'))).toBe(true);
    const { runVdisk } = await import('../fixtures/vdisk-cli.js');
    const r = await runVdisk(['convert', '-O', 'qcow2', c.top, out], { cwd: dir, timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith('.out.qcow2.vdisk-'))).toEqual([]);
    expectSame(c.flat, out);
  }, 180_000);

  test('convert -n -c onto an empty target: the target is the image it was, byte for byte; a retry succeeds', async () => {
    const dir = join(root, 'reuse-c');
    require_dir(dir);
    const c = chain(dir);
    const t = join(dir, 't.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=65536', '-b', 'base.raw', '-F', 'raw', t, '512M'], dir);
    const before = readFileSync(t);
    const k = await killMidway(['convert', '-p', '-n', '-c', '-O', 'qcow2', c.top, t], dir);
    expect(k.killedAt).toBeGreaterThanOrEqual(30);
    expect(readFileSync(t).subarray(0, before.length).equals(before)).toBe(true);
    expectNoCorruption(t);
    expectSame(c.base, t); // still the empty overlay of base.raw
    const { runVdisk } = await import('../fixtures/vdisk-cli.js');
    const r = await runVdisk(['convert', '-n', '-c', '-O', 'qcow2', c.top, t], { cwd: dir, timeoutMs: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    expectSame(c.flat, t);
    expect(runTool('qemu-img', ['check', t], dir).status).toBe(0);
  }, 180_000);

  test('commit: the chain reads as before, base and top without corruption', async () => {
    const dir = join(root, 'commit');
    require_dir(dir);
    const c = chain(dir);
    const k = await killMidway(['commit', '-p', c.top], dir);
    expect(k.killedAt).toBeGreaterThanOrEqual(30);
    expectSame(c.flat, c.top);
    expectNoCorruption(c.mid);
    expectNoCorruption(c.top);
  }, 180_000);

  test('rebase: the image reads as before, without corruption', async () => {
    const dir = join(root, 'rebase');
    require_dir(dir);
    const c = chain(dir);
    const k = await killMidway(['rebase', '-p', '-b', '', c.top], dir);
    expect(k.killedAt).toBeGreaterThanOrEqual(30);
    expectSame(c.flat, c.top);
    expectNoCorruption(c.top);
  }, 180_000);

  test('resize --shrink: the image reads as before or as shrunk, without corruption', async () => {
    const dir = join(root, 'resize');
    require_dir(dir);
    // 16 GiB, 64 KiB clusters, 1 MiB of data every 128 MiB: 30 L2 tables to clear past 1 GiB.
    const img = join(dir, 'img.qcow2'),
      old = join(dir, 'old.qcow2'),
      shrunk = join(dir, 'shrunk.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=65536', img, '16G']);
    const io = ['write -P 0x11 0 1M'];
    for (let at = 512, i = 0; at < 16 * 1024; at += 128, i++) io.push(`write -P ${(i % 200) + 0x20} ${at}M 1M`);
    qemuIo(img, io);
    copyFileSync(img, old);
    copyFileSync(img, shrunk);
    qemuImg(['resize', '-q', '--shrink', shrunk, '1G']);
    const k = await killMidway(['resize', '-p', '--shrink', img, '1G'], dir);
    expect(k.killedAt).toBeGreaterThanOrEqual(30);
    expectNoCorruption(img);
    const size = JSON.parse(runTool('qemu-img', ['info', '--output=json', img], dir).stdout)['virtual-size'];
    expect([16 * 1024 * MiB, 1024 * MiB]).toContain(size);
    expectSame(size === 1024 * MiB ? shrunk : old, img);
  }, 180_000);
});

function require_dir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

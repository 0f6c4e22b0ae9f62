// -p and Ctrl-C on the verbs that gained them: vdisk resize, create and check -r print qemu-img's
// progress line up to 100 %, and SIGINT during a resize --shrink stops it with E_CANCELLED (or it
// had finished) leaving the old image or the new one, without corruption.
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECK_FIXTURES } from '../../fixtures/check-corruptions.js';
import { CLI } from '../../fixtures/vdisk-cli.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { expectCheckClean, vdiskOk } from '../helpers/helpers.js';
import { expectNoCorruption, sameContent, virtualSize } from '../helpers/long-op.js';

let root: string;
const GiB = 2 ** 30;

function bigImage(dir: string): string {
  const f = join(dir, 'img.qcow2');
  qemuImg(['create', '-q', '-f', 'qcow2', f, '16G']);
  const io = ['write -P 0x11 0 1M'];
  for (let at = 1024, i = 0; at < 16 * 1024; at += 256, i++) io.push(`write -P ${0x20 + (i % 100)} ${at}M 1M`);
  qemuIo(f, io);
  return f;
}

const percents = (out: string) => [...out.matchAll(/\((\d+\.\d+)\/100%\)/g)].map((m) => Number(m[1]));

describe('CLI -p and Ctrl-C', () => {
  beforeAll(() => {
    root = makeScratchDir('cli-progress');
  });
  afterAll(() => removeScratchDir(root));

  test('resize -p, create -p, check -r leaks -p: progress lines up to 100 %', async () => {
    const dir = join(root, 'p');
    mkdirSync(dir);
    const img = bigImage(dir);
    const r = await vdiskOk(['resize', '-p', '--shrink', img, '1G'], dir);
    const p = percents(r.stdout);
    expect(p.length).toBeGreaterThan(3);
    expect(p).toEqual([...p].sort((a, b) => a - b));
    expect(p.at(-1)).toBe(100);
    expect(r.stdout.endsWith('Image resized.\n')).toBe(true);
    expectCheckClean(img);
    const c = await vdiskOk(
      ['create', '-p', '-f', 'qcow2', '-o', 'preallocation=metadata', join(dir, 'new.qcow2'), '8G'],
      dir,
    );
    expect(percents(c.stdout).at(-1)).toBe(100);
    const leak = CHECK_FIXTURES[0]!.build(dir);
    const k = await vdiskOk(['check', '-r', 'leaks', '-p', leak], dir);
    expect(percents(k.stdout).at(-1)).toBe(100);
    expect(k.stdout).toContain('No errors were found on the image.');
    const j = await vdiskOk(['check', '-r', 'leaks', '-p', '--output=json', leak], dir);
    expect(() => JSON.parse(j.stdout)).not.toThrow();
  });

  test('SIGINT during resize --shrink: cancelled or finished, the old image or the new one', async () => {
    const dir = join(root, 'sigint');
    mkdirSync(dir);
    const img = bigImage(dir);
    const old = join(dir, 'old.qcow2'),
      shrunk = join(dir, 'shrunk.qcow2');
    copyFileSync(img, old);
    copyFileSync(img, shrunk);
    qemuImg(['resize', '-q', '--shrink', shrunk, '1G']);
    const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'resize', '-p', '--shrink', img, '1G'], { cwd: dir });
      let err = '',
        sent = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        if (!sent && percents(d).some((x) => x >= 10)) {
          sent = true;
          child.kill('SIGINT');
        }
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      child.on('close', (c) => resolve({ code: c, stderr: err }));
    });
    if (code !== 0) expect(stderr).toContain('E_CANCELLED');
    expectNoCorruption(img);
    const size = virtualSize(img);
    expect([16 * GiB, GiB]).toContain(size);
    expect(sameContent(size === GiB ? shrunk : old, img)).toBe(true);
  });
});

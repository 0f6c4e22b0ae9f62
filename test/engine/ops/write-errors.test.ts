// The write side's error codes, each provoked as it happens: a full disk (E_NO_SPACE), a source
// changed underneath the copy (E_SOURCE_CHANGED), a refused permission (E_PERMISSION); a new target
// that fails mid-copy leaves no file at the destination and no temporary beside it; the CLI's -p
// prints no 100 % line for a convert that fails.
import { appendFileSync, chmodSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { convertImage } from '../helpers/node-ops.js';
import { convertVerb } from '../../../src/cli/verbs/convert.js';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import { qcow2, raw, MiB } from '../../fixtures/fixture.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectIdentical, vdiskRun, vdiskFailure } from '../helpers/helpers.js';
import { scratch } from '../helpers/reuse-fixture.js';
import { failingFile } from '../helpers/failing-target.js';

let root: string;
let fresh: () => string;

/** Nothing at the destination and no `.NAME.vdisk-PID.part` beside it. */
function expectNothingLeft(dir: string, dst: string): void {
  expect(existsSync(dst)).toBe(false);
  expect(readdirSync(dir).filter((f) => f.includes('.vdisk-'))).toEqual([]);
}

function source(dir: string): string {
  return raw(dir, 's.raw', 8 * MiB, ['write -P 0x11 0 3M', 'write -P 0x22 5M 2M']).path;
}

const asRoot = process.getuid?.() === 0;

describe('write errors', () => {
  beforeAll(() => {
    root = makeScratchDir('write-errors');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const fmt of ['raw', 'qcow2'] as const) {
    test(`E_NO_SPACE mid-copy into a new ${fmt} file: no file at the destination, no temporary`, async () => {
      const dir = fresh();
      const dst = join(dir, `out.${fmt}`);
      const target = await failingFile(dst, 2 * MiB);
      const e = await vdiskFailure(convertImage({ source: source(dir), target, targetFormat: fmt, chunkSize: MiB }));
      expect(e.code).toBe('E_NO_SPACE');
      expect(e.detail.path).toBe(dst);
      expect(e.detail.targetState).toBeUndefined();
      expectNothingLeft(dir, dst);
    });
  }

  test('E_NO_SPACE mid-copy into a reused raw file: kept, the error says partly written', async () => {
    const dir = fresh();
    const dst = raw(dir, 't.raw', 8 * MiB, ['write -P 0x77 0 8M']).path;
    const target = await failingFile(dst, MiB, { reuse: true });
    const e = await vdiskFailure(
      convertImage({ source: source(dir), target, targetFormat: 'raw', reuseTarget: true, chunkSize: MiB }),
    );
    expect(e.code).toBe('E_NO_SPACE');
    expect(String(e.detail.targetState)).toMatch(/^kept, partly written/);
    expect(readFileSync(dst).length).toBe(8 * MiB);
  });

  test('E_SOURCE_CHANGED: a raw source that grows during the copy; nothing left at the destination', async () => {
    const dir = fresh();
    const src = source(dir);
    const dst = join(dir, 'out.qcow2');
    let grown = false;
    const onProgress = () => {
      if (!grown) {
        grown = true;
        appendFileSync(src, Buffer.alloc(512, 1));
      }
    };
    const e = await vdiskFailure(
      convertImage({ source: src, target: dst, targetFormat: 'qcow2', chunkSize: MiB, onProgress }),
    );
    expect(grown).toBe(true);
    expect([e.code, e.detail.path, e.detail.before, e.detail.after]).toEqual([
      'E_SOURCE_CHANGED',
      src,
      8 * MiB,
      8 * MiB + 512,
    ]);
    expectNothingLeft(dir, dst);
  });

  test('E_SOURCE_CHANGED: a qcow2 source resized by qemu-img during the copy (its header changes)', async () => {
    const dir = fresh();
    const src = qcow2(dir, 's.qcow2', 8 * MiB, {}, ['write -P 0x11 0 3M', 'write -P 0x22 5M 2M']).path;
    const dst = join(dir, 'out.raw');
    let resized = false;
    const onProgress = () => {
      if (resized) return;
      resized = true;
      execFileSync('qemu-img', ['resize', src, '16M'], { stdio: 'ignore' });
    };
    const e = await vdiskFailure(
      convertImage({ source: src, target: dst, targetFormat: 'raw', chunkSize: MiB, onProgress }),
    );
    expect(resized).toBe(true);
    expect(e.code).toBe('E_SOURCE_CHANGED');
    expectNothingLeft(dir, dst);
  });

  test('E_PERMISSION: a destination directory that refuses new files', async () => {
    const dir = fresh();
    const src = source(dir);
    // As root, chmod does not stop writes: sysfs refuses new files to everyone (EACCES).
    let dst = '/sys/vdisk-write-errors.raw';
    if (!asRoot) {
      const ro = join(dir, 'ro');
      mkdirSync(ro);
      chmodSync(ro, 0o555);
      dst = join(ro, 'out.raw');
    }
    const r = await vdiskRun(['convert', '-O', 'raw', src, dst], dir);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('E_PERMISSION');
    expect(existsSync(dst)).toBe(false);
  });

  test('E_PERMISSION mid-copy (a target refusing writes, EACCES): no file, no temporary', async () => {
    const dir = fresh();
    const dst = join(dir, 'out.raw');
    const target = await failingFile(dst, MiB, { errno: 'EACCES' });
    const e = await vdiskFailure(convertImage({ source: source(dir), target, targetFormat: 'raw', chunkSize: MiB }));
    expect(e.code).toBe('E_PERMISSION');
    expectNothingLeft(dir, dst);
  });

  test('-p prints no 100 % line when the convert fails, and prints it when it succeeds', async () => {
    const dir = fresh();
    const src = source(dir);
    const engine = await createNodeEngine();
    const out: string[] = [];
    let grown = false;
    const io = {
      stdout: (t: string) => {
        out.push(t);
        if (!grown) {
          grown = true;
          appendFileSync(src, Buffer.alloc(512, 1));
        }
      },
      stderr: () => {},
    };
    const e = await vdiskFailure(
      convertVerb(engine, ['-p', '--chunk-size', '1M', '-O', 'raw', src, join(dir, 'out.raw')], io),
    );
    expect(e.code).toBe('E_SOURCE_CHANGED');
    expect(out.length).toBeGreaterThan(0);
    expect(out.join('')).not.toContain('(100.00/100%)');
    const ok: string[] = [];
    expect(
      await convertVerb(engine, ['-p', '-O', 'raw', src, join(dir, 'ok.raw')], {
        stdout: (t) => ok.push(t),
        stderr: () => {},
      }),
    ).toBe(0);
    expect(ok.filter((l) => l.includes('(100.00/100%)'))).toHaveLength(1);
    expectIdentical(src, join(dir, 'ok.raw'), ['-f', 'raw', '-F', 'raw']);
  });
});

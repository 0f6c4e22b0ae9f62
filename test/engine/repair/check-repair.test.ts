// vdisk check -r leaks|all against qemu-img check -r on a copy of the same damaged file: same exit
// code, same counts (leaks-fixed and corruptions-fixed included), and afterwards qemu-img check says
// the same of both results; where qemu-img repairs the image fully, so must vdisk.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECK_FIXTURES } from '../../fixtures/check-corruptions.js';
import { expectCheckCountsEqual } from '../../fixtures/compare-keys.js';
import { qcow2 } from '../../fixtures/fixture.js';
import { qemuCheckJson, runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { twinCopies, expectCheckAsQemu } from '../helpers/repair-twins.js';
import { expectCheckClean, expectIdentical, qemuInfo, vdiskOk, vdiskRun } from '../helpers/helpers.js';

let root: string;

/** A lazy-refcounts image whose writer was killed: dirty bit set, refcounts of new clusters missing. */
function crashedLazy(dir: string): string {
  const img = qcow2(dir, 'lazy.qcow2', 16 << 20, { lazy_refcounts: 'on' }).path;
  const r = runTool('qemu-io', ['-c', 'write -P 0x11 0 1M', '-c', 'write -P 0x22 4M 64k', '-c', 'sigraise 9', img]);
  expect(r.signal ?? r.status, r.stderr).not.toBe(0);
  expect(qemuInfo(img)['dirty-flag']).toBe(true);
  return img;
}

describe('vdisk check -r', () => {
  const built = new Map<string, string>();
  beforeAll(() => {
    root = makeScratchDir('write-repair');
    CHECK_FIXTURES.forEach((f, i) => {
      const dir = join(root, `f${i}`);
      mkdirSync(dir);
      built.set(f.name, f.build(dir));
    });
  });
  afterAll(() => removeScratchDir(root));

  for (const f of CHECK_FIXTURES) {
    for (const mode of ['leaks', 'all']) {
      test(`${f.name}: -r ${mode} as qemu-img check -r ${mode}`, async () => {
        const { q, v, dir } = twinCopies(root, built.get(f.name)!);
        const { qr, vr } = await expectCheckAsQemu(q, v, dir, ['-r', mode]);
        if (!qr.report) expect(vr.stdout).toBe('');
        const after = qemuCheckJson(v);
        expect(after.status, after.stderr).toBe(qemuCheckJson(q).status);
        if (after.status === 0) expectIdentical(q, v);
      });
    }
  }

  test('human output: the repaired counts, then the second look, as qemu-img prints them', async () => {
    const { q, v, dir } = twinCopies(root, built.get(CHECK_FIXTURES[0]!.name)!);
    const qr = runTool('qemu-img', ['check', '-r', 'leaks', q], dir);
    const vr = await vdiskOk(['check', '-r', 'leaks', v], dir);
    expect(vr.stdout).toBe(qr.stdout);
    expect(vr.stdout).toContain('The following inconsistencies were found and repaired:');
  });

  test('a crashed lazy-refcounts image: writers refuse it naming check -r all; -r leaks fails untouched; -r all rebuilds and clears the dirty bit', async () => {
    const dir = join(root, 'lazy');
    mkdirSync(dir);
    const img = crashedLazy(dir);
    const { q, v } = twinCopies(root, img);
    const refused = await vdiskRun(['resize', v, '+1M'], dir);
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain('E_QCOW2_DIRTY');
    expect(refused.stderr).toContain('check -r all');

    const before = readFileSync(v);
    const leaks = await vdiskRun(['check', '-r', 'leaks', v], dir);
    expect(leaks.status).toBe(runTool('qemu-img', ['check', '-r', 'leaks', join(dir, 'lazy.qcow2')], dir).status);
    expect(leaks.stderr).toContain('E_REPAIR_NEEDS_REBUILD');
    expect(readFileSync(v).equals(before)).toBe(true);

    const qr = qemuCheckJson(q, ['-r', 'all']);
    const vr = await vdiskOk(['check', '-r', 'all', '--output=json', v], dir);
    expectCheckCountsEqual(JSON.parse(vr.stdout), qr.report);
    expect(qemuInfo(v)['dirty-flag']).toBe(false);
    expectCheckClean(v);
    expectIdentical(q, v);
    await vdiskOk(['resize', v, '+1M'], dir);
    expectCheckClean(v);
  });
});

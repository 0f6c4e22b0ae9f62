// commit refuses what it cannot finish before it writes anything: a top with internal snapshots
// cannot be emptied (qemu-img commit fails there too), so the base stays byte-identical.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { qcow2, raw, MiB } from '../../fixtures/fixture.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { vdiskOk, vdiskRun } from '../helpers/helpers.js';
import { scratch } from '../helpers/reuse-fixture.js';

let root: string;
let fresh: () => string;

describe('commit: refusals leave the base untouched', () => {
  beforeAll(() => {
    root = makeScratchDir('commit-refusals');
    fresh = scratch(root);
  });
  afterAll(() => removeScratchDir(root));

  for (const baseFmt of ['qcow2', 'raw'] as const) {
    test(`top with an internal snapshot over a ${baseFmt} base: E_SNAPSHOTS_PRESENT, base byte-identical; -d commits`, async () => {
      const dir = fresh();
      const base =
        baseFmt === 'qcow2'
          ? qcow2(dir, 'base.qcow2', 4 * MiB, {}, ['write -P 0x11 0 4M']).path
          : raw(dir, 'base.raw', 4 * MiB, ['write -P 0x11 0 4M']).path;
      const top = qcow2(dir, 'top.qcow2', 4 * MiB, { backing_file: base, backing_fmt: baseFmt }, [
        'write -P 0x22 1M 1M',
      ]).path;
      qemuImg(['snapshot', '-c', 's1', top], dir);
      const before = readFileSync(base);
      const topBefore = readFileSync(top);
      const r = await vdiskRun(['commit', top], dir);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('E_SNAPSHOTS_PRESENT');
      expect(readFileSync(base).equals(before)).toBe(true);
      expect(readFileSync(top).equals(topBefore)).toBe(true);
      await vdiskOk(['commit', '-d', top], dir);
      expect(readFileSync(base).equals(before)).toBe(false);
    });
  }
});

// `vdisk check` on scripted corruptions: the exit code and every count of `qemu-img check
// --output=json` on the same file (0 clean, 2 corruptions, 3 leaks only), and the lines naming each
// refcount mismatch that qemu-img prints on stderr ("Leaked cluster 4 refcount=2 reference=1",
// "ERROR cluster …") and every other ERROR line, in the same order.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHECK_FIXTURES } from '../../fixtures/check-corruptions.js';
import { expectCheckCountsEqual } from '../../fixtures/compare-keys.js';
import { expectModestMemory } from '../../fixtures/expect-cli.js';
import { qemuCheckJson } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { describeRun, runVdisk } from '../../fixtures/vdisk-cli.js';

/**
 * qemu-img's compare_refcounts lines, one per cluster whose stored refcount differs from its use,
 * and every other line naming a corruption (ERROR …: a region past the end of the file, OFLAG_COPIED).
 */
const mismatchLines = (stderr: string) =>
  stderr.split('\n').filter((l) => /^(Leaked|ERROR)\b|^Can't get refcount/.test(l));

describe('vdisk check matches qemu-img check on damaged images', () => {
  let root: string;
  const paths = new Map<string, string>();
  beforeAll(() => {
    root = makeScratchDir('check');
    CHECK_FIXTURES.forEach((f, i) => {
      const dir = join(root, String(i));
      mkdirSync(dir);
      paths.set(f.name, f.build(dir));
    });
  });
  afterAll(() => removeScratchDir(root));

  for (const f of CHECK_FIXTURES) {
    test(`${f.name}: qemu-img check finds the damage (the fixture is really damaged)`, () => {
      const q = qemuCheckJson(paths.get(f.name)!);
      expect(q.status, q.stderr).not.toBe(0);
      expect(q.report, q.stderr).toBeDefined();
    });

    test(`${f.name}: same exit code and counts as qemu-img check`, async () => {
      const path = paths.get(f.name)!;
      const q = qemuCheckJson(path);
      const run = await runVdisk(['check', '--output=json', path], { cwd: dirname(path) });
      expect(run.timedOut, describeRun(run)).toBe(false);
      expect(run.status, describeRun(run)).toBe(q.status);
      expect(q.report, `qemu-img check printed no report: ${q.stderr}`).toBeDefined();
      expectCheckCountsEqual(JSON.parse(run.stdout), q.report);
      expect(mismatchLines(run.stderr), describeRun(run)).toEqual(mismatchLines(q.stderr));
      expectModestMemory(run);
    });
  }
});

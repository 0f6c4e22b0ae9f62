// Runs each malformed fixture through vdisk's verbs: every run must refuse with the fixture's code,
// field and offset on one stderr line, within the hang guard and with modest peak memory. qemu-img
// must refuse the same file too, except where a fixture documents that qemu-img is lenient.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectVdiskError } from '../../fixtures/expect-cli.js';
import { type BrokenImage, DEFAULT_VERBS, type MalformedFixture } from '../../fixtures/malformed.js';
import { runTool } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { runVdisk } from '../../fixtures/vdisk-cli.js';

export function describeMalformed(title: string, fixtures: MalformedFixture[]): void {
  describe(title, () => {
    let root: string;
    const built = new Map<string, BrokenImage>();
    beforeAll(() => {
      root = makeScratchDir('malformed');
      fixtures.forEach((f, i) => {
        const dir = join(root, String(i));
        mkdirSync(dir);
        built.set(f.name, f.build(dir));
      });
    });
    afterAll(() => removeScratchDir(root));

    for (const f of fixtures) {
      describe(f.name, () => {
        for (const verb of f.verbs ?? DEFAULT_VERBS) {
          test(`vdisk ${verb.join(' ')} refuses with ${f.expect.code}`, async () => {
            const image = built.get(f.name)!;
            const run = await runVdisk([...verb, ...(image.args ?? []), image.path], { cwd: dirname(image.path) });
            expectVdiskError(run, f.expect);
          });
        }
        if (!f.qemuAccepts) {
          test(`qemu-img ${(f.qemuRefuses ?? ['info']).join(' ')} refuses it too (the fixture is really broken)`, () => {
            const image = built.get(f.name)!;
            const r = runTool(
              'qemu-img',
              [...(f.qemuRefuses ?? ['info']), ...(image.args ?? []), image.path],
              dirname(image.path),
            );
            expect(r.status, r.stdout + r.stderr).not.toBe(0);
          });
        }
      });
    }
  });
}

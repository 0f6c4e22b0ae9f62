// The differential contract for one group of fixtures: vdisk's info, info --backing-chain, map, check
// and compare against qemu-img on the very same files. Expected values are computed by qemu-img at
// test time; nothing is hard-coded.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { expectCheckCountsEqual, expectInfoEqual } from '../../fixtures/compare-keys.js';
import { expectJson } from '../../fixtures/expect-cli.js';
import type { ImageFixture } from '../../fixtures/fixture.js';
import { qemuFacts } from '../../fixtures/qemu-facts.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { describeRun } from '../../fixtures/vdisk-cli.js';
import { qemuImg } from '../../fixtures/qemu.js';
import { dirname } from 'node:path';
import { expectCompareAgainstFlatCopy } from './compare-flat.js';
import { describeUnrecordedBackingFormat } from './unrecorded-backing-format.js';
import { type Built, vdiskOn } from './vdisk-on.js';

export function describeDifferential(group: string, fixtures: ImageFixture[]): void {
  describe(`vdisk matches qemu-img 7.2 on ${group} images`, () => {
    let root: string;
    const built = new Map<string, Built>();
    beforeAll(() => {
      root = makeScratchDir(group);
      for (const f of fixtures) {
        const dir = join(root, f.name);
        mkdirSync(dir);
        const image = f.build(dir);
        built.set(f.name, { image, facts: qemuFacts(image.path) });
      }
    }, 120_000); // dozens of qemu-img runs: seconds alone, far more when the machine is busy
    afterAll(() => removeScratchDir(root));
    const get = (name: string) => built.get(name)!;

    for (const f of fixtures) {
      if (f.unrecordedBackingFormat) {
        describeUnrecordedBackingFormat(f, () => get(f.name));
        continue;
      }
      describe(`${f.name} (${f.feature})`, () => {
        test('info --output=json equals qemu-img info', async () => {
          const { image, facts } = get(f.name);
          expectInfoEqual(expectJson(await vdiskOn(image, ['info', '--output=json'])), facts.info);
        });

        test('info --backing-chain --output=json equals qemu-img, layer for layer', async () => {
          const { image, facts } = get(f.name);
          const chain = expectJson(await vdiskOn(image, ['info', '--backing-chain', '--output=json']));
          expect(Array.isArray(chain)).toBe(true);
          expect(chain).toHaveLength(facts.chain.length);
          for (const [i, layer] of facts.chain.entries()) expectInfoEqual(chain[i], layer);
        });

        test.each([[[]], [['--backing-chain']], [['--output=json']], [['--backing-chain', '--output=json']]])(
          'info %j prints what qemu-img info prints, byte for byte',
          async (extra) => {
            const { image } = get(f.name);
            const want = qemuImg(['info', ...extra, image.path], dirname(image.path));
            const run = await vdiskOn(image, ['info', ...extra]);
            expect(run.status, describeRun(run)).toBe(0);
            expect(run.stdout).toBe(want);
          },
        );

        test('map --output=json equals qemu-img map, entry for entry', async () => {
          const { image, facts } = get(f.name);
          expect(expectJson(await vdiskOn(image, ['map', '--output=json']))).toStrictEqual(facts.map);
        });

        test('map -f FMT gives the same answer as the probe', async () => {
          const { image, facts } = get(f.name);
          expect(expectJson(await vdiskOn(image, ['map', '-f', image.format, '--output=json']))).toStrictEqual(
            facts.map,
          );
        });

        test('check: exit code and counts of qemu-img check --output=json', async () => {
          const { image, facts } = get(f.name);
          const run = await vdiskOn(image, ['check', '--output=json']);
          expect(run.status, describeRun(run)).toBe(facts.check.status);
          if (facts.check.report) expectCheckCountsEqual(JSON.parse(run.stdout), facts.check.report);
        });

        test('compare with its qemu-img convert -O raw copy: identical, then different at a flipped byte', async () => {
          await expectCompareAgainstFlatCopy(get(f.name).image, f.name);
        });
      });
    }
  });
}

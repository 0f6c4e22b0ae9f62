// A layer whose backing format is not recorded: info of the layer alone matches qemu-img; anything
// that must open the backing file refuses with E_BACKING_FORMAT_UNKNOWN naming the fix, unless the
// user opts into probing with --probe-backing (then the answers match qemu-img, which probes).
import { describe, expect, test } from 'vitest';
import { expectInfoEqual } from '../../fixtures/compare-keys.js';
import { expectJson, expectVdiskError } from '../../fixtures/expect-cli.js';
import type { ImageFixture } from '../../fixtures/fixture.js';
import { type Built, vdiskOn } from './vdisk-on.js';

// The error names the image that lacks the record (where the fix applies) and both ways out.
const fix = { code: 'E_BACKING_FORMAT_UNKNOWN', path: 'noformat.qcow2', mentions: ['-F', '--probe-backing'] };

export function describeUnrecordedBackingFormat(f: ImageFixture, get: () => Built): void {
  describe(`${f.name} (${f.feature})`, () => {
    test('info of the layer alone equals qemu-img info (no backing-filename-format)', async () => {
      const { image, facts } = get();
      expectInfoEqual(expectJson(await vdiskOn(image, ['info', '--output=json'])), facts.info);
    });

    test.each([
      ['info --backing-chain', ['info', '--backing-chain', '--output=json']],
      ['map', ['map', '--output=json']],
    ])('%s refuses with E_BACKING_FORMAT_UNKNOWN naming rebase -F and --probe-backing', async (_label, args) => {
      expectVdiskError(await vdiskOn(get().image, args), fix);
    });

    test('compare refuses with exit 2 and E_BACKING_FORMAT_UNKNOWN', async () => {
      const { image } = get();
      const run = await vdiskOn(image, ['compare', image.path]);
      expect(run.status).toBe(2);
      expectVdiskError(run, fix);
    });

    test('map --probe-backing equals qemu-img map (which probes)', async () => {
      const { image, facts } = get();
      expect(expectJson(await vdiskOn(image, ['map', '--probe-backing', '--output=json']))).toStrictEqual(facts.map);
    });

    test('info --backing-chain --probe-backing equals qemu-img, layer for layer', async () => {
      const { image, facts } = get();
      const chain = expectJson(await vdiskOn(image, ['info', '--backing-chain', '--probe-backing', '--output=json']));
      expect(chain).toHaveLength(facts.chain.length);
      for (const [i, layer] of facts.chain.entries()) expectInfoEqual(chain[i], layer);
    });
  });
}

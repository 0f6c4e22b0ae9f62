// The fixtures are only worth something if they really carry their feature: qemu-img must see it.
// These tests pass today, independent of vdisk; they guard the generators.
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ALL_FIXTURES } from '../../fixtures/catalog.js';
import { type MapEntry, qemuFacts } from '../../fixtures/qemu-facts.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { FEATURE_EVIDENCE } from './feature-evidence.js';

describe('every fixture carries the feature it is named for (as qemu-img reports it)', () => {
  let root: string;
  beforeAll(() => {
    root = makeScratchDir('features');
  });
  afterAll(() => removeScratchDir(root));

  test('every fixture has evidence to check', () => {
    expect(ALL_FIXTURES.filter((f) => !FEATURE_EVIDENCE[f.name]).map((f) => f.name)).toEqual([]);
  });

  for (const fixture of ALL_FIXTURES) {
    test(`${fixture.name}: ${fixture.feature}`, () => {
      const image = fixture.build(mkdtempSync(join(root, `${fixture.name}-`)));
      const facts = qemuFacts(image.path);
      expect(facts.info.format).toBe(image.format);
      expectMapCoversImage(facts.map, facts.info['virtual-size']);
      FEATURE_EVIDENCE[fixture.name]!(facts);
    });
  }
});

function expectMapCoversImage(map: MapEntry[], size: number): void {
  let at = 0;
  for (const e of map) {
    expect(e.start).toBe(at);
    at += e.length;
  }
  expect(at).toBe(size);
}

// --output=human is the default reading for people: it must succeed or fail exactly when the JSON
// form does (same exit code) and say something. Its wording is not qemu-img's contract, so only
// the JSON form is compared field by field elsewhere.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixtureNamed } from '../../fixtures/catalog.js';
import type { BuiltImage } from '../../fixtures/fixture.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { describeRun } from '../../fixtures/vdisk-cli.js';
import { vdiskOn } from './vdisk-on.js';

const FIXTURES = ['qcow2-snapshots', 'chain-raw-qcow2-qcow2', 'qcow2-dirty', 'raw-holes'];
const VERBS = [['info'], ['info', '--backing-chain'], ['map'], ['check']];

describe('--output=human answers whenever --output=json does', () => {
  let root: string;
  const images = new Map<string, BuiltImage>();
  beforeAll(() => {
    root = makeScratchDir('human');
    for (const name of FIXTURES) {
      const dir = join(root, name);
      mkdirSync(dir);
      images.set(name, fixtureNamed(name).build(dir));
    }
  });
  afterAll(() => removeScratchDir(root));

  for (const name of FIXTURES) {
    for (const verb of VERBS) {
      test(`${verb.join(' ')} on ${name}: same exit code as JSON, non-empty text, and the default is human`, async () => {
        const image = images.get(name)!;
        const json = await vdiskOn(image, [...verb, '--output=json']);
        const human = await vdiskOn(image, [...verb, '--output=human']);
        const plain = await vdiskOn(image, verb);
        expect(human.status, describeRun(human)).toBe(json.status);
        // stdout, or stderr where there is nothing to report (check of a raw image exits 63).
        expect((human.stdout + human.stderr).trim(), describeRun(human)).not.toBe('');
        expect(() => JSON.parse(human.stdout), 'human output should not be JSON').toThrow();
        expect(plain.stdout).toBe(human.stdout);
      });
    }
  }
});

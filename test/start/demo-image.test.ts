// The demo chain npm start writes is a valid image by qemu-img's judgement, and vdisk reads it as qemu-img does.
import { expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoChain } from '../../src/start/demo-image.js';
import { requireTool } from '../helpers/tools.js';

it('writes a chain qemu-img check calls clean and vdisk maps like qemu-img', async () => {
  requireTool('qemu-img');
  const { top } = await writeDemoChain(mkdtempSync(join(tmpdir(), 'vdisk-demo-')));
  const check = spawnSync('qemu-img', ['check', top], { encoding: 'utf8' });
  expect(check.status, check.stdout + check.stderr).toBe(0);
  const theirs = JSON.parse(execFileSync('qemu-img', ['map', '--output=json', top], { encoding: 'utf8' })) as {
    start: number;
    length: number;
    depth: number;
    data: boolean;
  }[];
  const ours = execFileSync('node', ['dist/cli.mjs', 'map', '--output=json', top], { encoding: 'utf8' });
  expect(JSON.parse(ours)).toEqual(theirs);
  // The overlay holds guest clusters 1-2 and 40-42 of its own and names the raw base with its format.
  const own = theirs.filter((r) => r.depth === 0 && r.data).map((r) => [r.start / 65536, r.length / 65536]);
  expect(own).toEqual([
    [1, 2],
    [40, 3],
  ]);
  const info = JSON.parse(execFileSync('qemu-img', ['info', '--output=json', top], { encoding: 'utf8' })) as Record<
    string,
    unknown
  >;
  expect([info['backing-filename'], info['backing-filename-format'], info['cluster-size']]).toEqual([
    'base.raw',
    'raw',
    65536,
  ]);
});

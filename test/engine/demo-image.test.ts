// The demo chain npm start writes is a valid image by qemu-img's judgement, and vdisk reads it as qemu-img does.
import { expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeDemoChain } from '../../src/cli/demo-image.js';
import { requireTool } from '../helpers/tools.js';

it('writes a chain qemu-img check calls clean and vdisk maps like qemu-img', async () => {
  requireTool('qemu-img');
  const { top } = await writeDemoChain(mkdtempSync(join(tmpdir(), 'vdisk-demo-')));
  const check = spawnSync('qemu-img', ['check', top], { encoding: 'utf8' });
  expect(check.status, check.stdout + check.stderr).toBe(0);
  const ours = execFileSync('node', ['dist/cli.mjs', 'map', '--output=json', top], { encoding: 'utf8' });
  expect(JSON.parse(ours)).toEqual(JSON.parse(execFileSync('qemu-img', ['map', '--output=json', top], { encoding: 'utf8' })));
});

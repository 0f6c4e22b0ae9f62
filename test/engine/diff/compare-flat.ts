// `vdisk compare` against the flat copy qemu-img makes of the same image: identical first, then
// different after one flipped byte, naming the same offset qemu-img compare names.
import { openSync, readSync, writeSync, closeSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { expect } from 'vitest';
import { qemuMismatchOffset } from '../../fixtures/compare-keys.js';
import { offsetPattern } from '../../fixtures/expect-cli.js';
import type { BuiltImage } from '../../fixtures/fixture.js';
import { qemuImg, runTool } from '../../fixtures/qemu.js';
import { describeRun, runVdisk } from '../../fixtures/vdisk-cli.js';

/** A stable position in [0, size) derived from the fixture's name, so every fixture flips a different byte. */
export function flipPosition(name: string, size: number): number {
  let h = 2166136261;
  for (const c of name) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  return h % size;
}

export function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, at);
  b[0] = b[0]! ^ 0xff;
  writeSync(fd, b, 0, 1, at);
  closeSync(fd);
}

export async function expectCompareAgainstFlatCopy(image: BuiltImage, name: string): Promise<void> {
  const dir = dirname(image.path);
  const flat = join(dir, `${basename(image.path)}.flat.raw`);
  qemuImg(['convert', '-O', 'raw', image.path, flat], dir);

  const qSame = runTool('qemu-img', ['compare', image.path, flat], dir);
  expect(qSame.status, qSame.stdout + qSame.stderr).toBe(0);
  const same = await runVdisk(['compare', image.path, flat], { cwd: dir });
  expect(same.status, describeRun(same)).toBe(0);

  flipByte(flat, flipPosition(name, statSync(flat).size));
  const qDiff = runTool('qemu-img', ['compare', '-f', image.format, '-F', 'raw', image.path, flat], dir);
  expect(qDiff.status, qDiff.stdout + qDiff.stderr).toBe(1);
  const at = qemuMismatchOffset(qDiff.stdout);
  expect(at, qDiff.stdout).toBeDefined();
  const diff = await runVdisk(['compare', '-f', image.format, '-F', 'raw', image.path, flat], { cwd: dir });
  expect(diff.status, describeRun(diff)).toBe(1);
  expect(diff.stdout + diff.stderr, describeRun(diff)).toMatch(offsetPattern(at!));
}

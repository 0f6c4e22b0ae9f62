// What the -n tests share: one target copied twice, qemu-img convert -n into one copy and vdisk
// convert -n into the other, judged by qemu-img compare and check; maps compared without host offsets.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { qemuImg, qemuMapJson } from '../../fixtures/qemu.js';
import { expectCheckClean, expectIdentical, vdiskOk } from './helpers.js';

export function scratch(root: string): () => string {
  let n = 0;
  return () => {
    const d = join(root, `d${n++}`);
    mkdirSync(d);
    return d;
  };
}

/** `convert -n ARGS TARGET` by both tools onto copies of `target`; returns qemu-img's copy and ours. */
export async function reuseBoth(
  dir: string,
  target: string,
  args: string[],
  fmt = 'qcow2',
): Promise<{ q: string; v: string }> {
  const q = join(dir, `q.${fmt}`);
  const v = join(dir, `v.${fmt}`);
  copyFileSync(target, q);
  copyFileSync(target, v);
  qemuImg(['convert', '-n', '-O', fmt, ...args, q], dir);
  await vdiskOk(['convert', '-n', '-O', fmt, ...args, v], dir);
  expectIdentical(q, v, fmt === 'raw' ? ['-f', 'raw', '-F', 'raw'] : []);
  if (fmt === 'qcow2') expectCheckClean(v);
  return { q, v };
}

/** qemu-img map runs without host offsets, adjacent equal runs merged. */
export function mapShape(
  file: string,
): { start: number; length: number; depth: number; zero: boolean; data: boolean }[] {
  const out: ReturnType<typeof mapShape> = [];
  for (const e of qemuMapJson(file)) {
    const last = out[out.length - 1];
    if (last && last.depth === e.depth && last.zero === e.zero && last.data === e.data) last.length += e.length;
    else out.push({ start: e.start, length: e.length, depth: e.depth, zero: e.zero, data: e.data });
  }
  return out;
}

export function expectSameMap(q: string, v: string): void {
  expect(mapShape(v)).toEqual(mapShape(q));
}

// Repair tests run qemu-img and vdisk on two copies of one damaged image and compare what each did.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { expectCheckCountsEqual } from '../../fixtures/compare-keys.js';
import { qemuCheckJson } from '../../fixtures/qemu.js';
import { describeRun } from '../../fixtures/vdisk-cli.js';
import { vdiskRun } from './helpers.js';

let n = 0;
/** Two copies of `src` in a fresh directory under `root`: `q` for qemu-img, `v` for vdisk. */
export function twinCopies(root: string, src: string): { q: string; v: string; dir: string } {
  const dir = join(root, `twin${n++}`);
  mkdirSync(dir);
  const q = join(dir, 'q.qcow2');
  const v = join(dir, 'v.qcow2');
  copyFileSync(src, q);
  copyFileSync(src, v);
  return { q, v, dir };
}

/** qemu-img's compare_refcounts lines (Leaked / ERROR / Repairing cluster N …), in order. */
export const mismatchLines = (stderr: string) =>
  stderr.split('\n').filter((l) => /^(Leaked|ERROR|Repairing) cluster \d+ refcount=|^Can't get refcount/.test(l));

/**
 * `check [args] --output=json` by qemu-img on `q` and by vdisk on `v`: same exit code and counts,
 * and the same lines naming each refcount mismatch (and each repair) on stderr.
 */
export async function expectCheckAsQemu(q: string, v: string, dir: string, args: string[]) {
  const qr = qemuCheckJson(q, args);
  const vr = await vdiskRun(['check', ...args, '--output=json', v], dir);
  expect(vr.status, describeRun(vr)).toBe(qr.status);
  expect(mismatchLines(vr.stderr), `refcount lines\n${describeRun(vr)}`).toEqual(mismatchLines(qr.stderr));
  if (qr.report) expectCheckCountsEqual(JSON.parse(vr.stdout), qr.report);
  else expect(vr.stdout, `qemu-img printed no report\n${describeRun(vr)}`).toBe('');
  return { qr, vr };
}

// What the write-side tests share: running vdisk's writing verbs as a user does, and judging every
// output with the real qemu-img (compare, check, info, measure).
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { expect } from 'vitest';
import { isVdiskError, type VdiskError } from '../../../src/errors/vdisk-error.js';
import { runTool } from '../../fixtures/qemu.js';
import { describeRun, runVdisk, type CliRun } from '../../fixtures/vdisk-cli.js';

/** A guard against hangs only (writes of a few MiB take well under a second). */
const WRITE_GUARD_MS = 60_000;

export async function vdiskOk(args: string[], cwd: string, opts: { liveHeap?: boolean } = {}): Promise<CliRun> {
  const r = await runVdisk(args, { cwd, timeoutMs: WRITE_GUARD_MS, ...opts });
  expect(r.status, describeRun(r)).toBe(0);
  return r;
}

export function vdiskRun(args: string[], cwd: string): Promise<CliRun> {
  return runVdisk(args, { cwd, timeoutMs: WRITE_GUARD_MS });
}

/** qemu-img compare (run in a's directory so relative data-file names resolve as for qemu). */
export function expectIdentical(a: string, b: string, extra: string[] = []): void {
  const r = runTool('qemu-img', ['compare', ...extra, a, b], dirname(a));
  expect(r.status, `qemu-img compare ${a} ${b}: ${r.stdout}${r.stderr}`).toBe(0);
}

export function expectCheckClean(file: string): void {
  const r = runTool('qemu-img', ['check', file], dirname(file));
  expect(r.status, `qemu-img check ${file}: ${r.stdout}${r.stderr}`).toBe(0);
}

export function qemuInfo(file: string): any {
  return JSON.parse(runTool('qemu-img', ['info', '--output=json', file], dirname(file)).stdout);
}

export function allocated(file: string): number {
  return statSync(file).blocks * 512;
}

/**
 * Raw outputs stay sparse: allocated size within 5 % of what qemu-img convert allocates. On tiny
 * images one 4 KiB block more is allowed: ext4 counts an extent-tree block in st_blocks once a file
 * has more than four extents, whichever order they were written in (same map, one block apart).
 */
export function expectAllocatedNear(ours: string, theirs: string): void {
  const a = allocated(ours);
  const b = allocated(theirs);
  expect(Math.abs(a - b), `allocated ${a} vs qemu-img ${b}`).toBeLessThanOrEqual(Math.max(b * 0.05, 4096));
}

/** The VdiskError a run rejects with (fails the test if it resolves or throws something else). */
export async function vdiskFailure(run: Promise<unknown>): Promise<VdiskError> {
  const e = await run.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!isVdiskError(e)) throw new Error(`expected a VdiskError, got ${String(e)}`);
  return e;
}

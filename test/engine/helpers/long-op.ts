// What the progress and cancellation tests share: a recorder of progress calls that can abort the
// operation at the n-th call, the checks every long operation's progress must pass, and qemu-img's
// verdicts on what an interrupted operation left.
import { dirname } from 'node:path';
import { expect } from 'vitest';
import type { Progress } from '../../../src/engine/ops/progress.js';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';
import { runTool } from '../../fixtures/qemu.js';

export interface Recorder {
  calls: Progress[];
  signal: AbortSignal;
  onProgress: (p: Progress) => void;
}

/** Records every progress call; with `abortAt`, aborts the signal during that call (1-based). */
export function recorder(abortAt?: number): Recorder {
  const ac = new AbortController();
  const calls: Progress[] = [];
  return {
    calls,
    signal: ac.signal,
    onProgress: (p) => {
      calls.push(p);
      if (calls.length === abortAt) ac.abort(new Error('test abort'));
    },
  };
}

export function abortedSignal(): AbortSignal {
  const ac = new AbortController();
  ac.abort(new Error('test abort'));
  return ac.signal;
}

export async function expectCancelled(run: Promise<unknown>): Promise<void> {
  const e = await run.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e === undefined ? 'completed' : isVdiskError(e) ? e.code : String(e)).toBe('E_CANCELLED');
}

/** Each phase's done never goes back and ends at its total; the overall fraction never goes back and ends at 1. */
export function expectProgressComplete(calls: Progress[], phases?: string[]): void {
  expect(calls.length).toBeGreaterThan(0);
  const last = new Map<string, Progress>();
  let fraction = 0;
  for (const p of calls) {
    const prev = last.get(p.phase);
    if (prev) {
      expect(p.done, `${p.phase} went back`).toBeGreaterThanOrEqual(prev.done);
      expect(p.total).toBe(prev.total);
    }
    expect(p.done).toBeLessThanOrEqual(p.total);
    if (p.fraction !== undefined) {
      expect(p.fraction, `fraction went back at ${p.phase}`).toBeGreaterThanOrEqual(fraction);
      fraction = p.fraction;
    }
    last.set(p.phase, p);
  }
  for (const [phase, p] of last) expect(p.done, `phase ${phase} ended short`).toBe(p.total);
  if (calls.some((p) => p.fraction !== undefined)) expect(fraction).toBe(1);
  if (phases) expect([...last.keys()]).toEqual(phases);
}

/** qemu-img check: clean or leaks only (exit 0 or 3). */
export function expectNoCorruption(file: string): void {
  const r = runTool('qemu-img', ['check', file], dirname(file));
  expect([0, 3], `qemu-img check ${file}: ${r.stdout}${r.stderr}`).toContain(r.status);
}

export function sameContent(a: string, b: string): boolean {
  return runTool('qemu-img', ['compare', a, b], dirname(a)).status === 0;
}

export function virtualSize(file: string): number {
  return JSON.parse(runTool('qemu-img', ['info', '--output=json', file], dirname(file)).stdout)['virtual-size'];
}

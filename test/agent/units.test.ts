// Small parts as tables: the roots check, what a plan holds, the job state table, Range parsing.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BusyTable } from '../../src/agent/jobs/busy.js';
import { finalState, JOB_STATE_NEXT } from '../../src/agent/jobs/job-state.js';
import { parseRange } from '../../src/agent/http/range.js';
import { Roots } from '../../src/agent/storage/roots.js';

const dir = mkdtempSync(join(tmpdir(), 'vu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'r', 'sub'), { recursive: true });
symlinkSync(join(dir, 'r', 'sub'), join(dir, 'r', 'inner-link'));
symlinkSync(dir, join(dir, 'r', 'outer-link'));
const roots = new Roots([{ name: 'r', dir: join(dir, 'r') }]);

describe('roots', () => {
  it.each([
    ['a file in the root', 'r/x.qcow2', null],
    ['a file in a subdirectory', 'r/sub/x.qcow2', null],
    ['a link that stays inside', 'r/inner-link/x.qcow2', null],
    ['a link that leaves', 'r/outer-link/x.qcow2', 'E_AGENT_SYMLINK_ESCAPE'],
    ['.. in the path', 'r/sub/../x.qcow2', 'E_AGENT_PATH_OUTSIDE_ROOTS'],
    ['the root itself', 'r', 'E_AGENT_PATH_OUTSIDE_ROOTS'],
    ['a sibling with the root as prefix', 'r2/x.qcow2', 'E_AGENT_PATH_OUTSIDE_ROOTS'],
  ])('%s', (_n, rel, code) => {
    const run = () => roots.resolve(`${dir}/${rel}`);
    if (code) expect(run).toThrow(expect.objectContaining({ code }));
    else expect(run().root.name).toBe('r');
  });
  it('refuses relative paths', () =>
    expect(() => roots.resolve('x.qcow2')).toThrow(expect.objectContaining({ code: 'E_AGENT_PATH_OUTSIDE_ROOTS' })));
});

describe('busy table', () => {
  it('gives every resource of a plan to one job, and names the holder to the next', () => {
    const b = new BusyTable();
    b.acquire('j1', { vms: ['vm1'], volumes: ['v1'], paths: [] });
    expect(() => b.acquire('j2', { vms: [], volumes: ['v2', 'v1'], paths: [] })).toThrow(
      expect.objectContaining({ code: 'E_BUSY', detail: expect.objectContaining({ job: 'j1' }) }),
    );
    b.acquire('j2', { vms: [], volumes: ['v2'], paths: ['/x'] });
    expect(() => b.acquire('j3', { vms: ['vm1'], volumes: [], paths: [] })).toThrow(/vm vm1 is held by job j1/);
    b.release('j1');
    b.acquire('j3', { vms: ['vm1'], volumes: [], paths: [] });
  });
});

describe('job states', () => {
  it('final states have no way out; every outcome maps to one', () => {
    for (const s of ['done', 'failed', 'rolled-back', 'cancelled'] as const) expect(JOB_STATE_NEXT[s]).toEqual([]);
    const r = (outcome: string, code?: string) =>
      ({
        outcome,
        units: {},
        completed: [],
        orphans: [],
        retry: [],
        progress: 0,
        ...(code ? { failure: { code } } : {}),
      }) as never;
    expect(finalState(r('done'), false)).toBe('done');
    expect(finalState(r('done-with-orphans'), false)).toBe('done');
    expect(finalState(r('partial'), false)).toBe('failed');
    expect(finalState(r('rolled-back', 'E_QMP_JOB_FAILED'), false)).toBe('rolled-back');
    expect(finalState(r('rolled-back', 'E_AGENT_CANCELLED'), true)).toBe('cancelled');
    expect(finalState(r('rolled-back', 'E_CANCELLED'), true)).toBe('cancelled'); // the engine's abort of an offline copy
    expect(finalState(r('rolled-back', 'E_CANCELLED'), false)).toBe('rolled-back');
  });
});

describe('Range', () => {
  it.each([
    [undefined, { kind: 'all' }],
    ['bytes=0-9', { kind: 'part', start: 0, end: 9 }],
    ['bytes=90-', { kind: 'part', start: 90, end: 99 }],
    ['bytes=-10', { kind: 'part', start: 90, end: 99 }],
    ['bytes=95-200', { kind: 'part', start: 95, end: 99 }],
    ['bytes=100-', { kind: 'unsatisfiable' }],
    ['bytes=5-1', { kind: 'unsatisfiable' }],
    ['bytes=0-1,4-5', { kind: 'unsatisfiable' }],
  ])('%s', (h, want) => expect(parseRange(h, 100)).toEqual(want));
});

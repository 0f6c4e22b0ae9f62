// The chaos suite's checks can fail: fed a run with a repeated event, a gap, a key that made two
// jobs, a job left running, a file left under a temporary name and a kill point never reached, each
// named check says so (and a clean run of the same shape passes).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runChecks, type AgentFiles } from './checks.js';
import type { JobRecord } from './client.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const ev = (id: number, event = 'progress', data = '{}') => ({ id, event, data });
const end = (id: number) => ev(id, 'end', '{"state":"done"}');

function world(journal: object[], rootFiles: string[] = []): AgentFiles {
  dir = mkdtempSync(join(tmpdir(), 'vcc-'));
  const roots = { h1a: join(dir, 'a'), h1b: join(dir, 'b') };
  for (const d of [...Object.values(roots), join(dir, 'state'), join(dir, 'refs')]) mkdirSync(d);
  writeFileSync(join(dir, 'state', 'journal.jsonl'), journal.map((r) => `${JSON.stringify(r)}\n`).join(''));
  for (const f of rootFiles) writeFileSync(join(roots.h1a, f), '');
  return { name: 'h1', stateDir: join(dir, 'state'), roots, refs: join(dir, 'refs'), initial: [] };
}

function record(events: ReturnType<typeof ev>[][], key = 'k1'): JobRecord {
  return {
    spec: { index: 0, agent: 'h1', kind: 'clone', pick: 0, format: 'qcow2', cancel: false, switchEvery: 1 },
    keys: [{ key, attempts: 1, status: 202 }],
    jobId: 'h1~job-1',
    cancelSent: false,
    final: { state: 'done' },
    readers: events.map((list) => ({ events: list, connects: 1, switches: 0, errors: [] })),
  };
}

const at = '2026-12-07T00:00:00.000Z';
const jobRec = (job: string, key: string) => ({ t: 'job', job, key, at, plan: { steps: [] } });
const endRec = (job: string) => ({ t: 'end', job, state: 'done', at });
const failing = (v: ReturnType<typeof runChecks>) => v.filter((x) => !x.ok).map((x) => x.name);

describe('chaos checks', () => {
  it('pass on a clean run', () => {
    const a = world([jobRec('job-1', 'k1'), endRec('job-1')]);
    const v = runChecks(
      [
        record([
          [ev(1), end(2)],
          [ev(1), end(2)],
        ]),
      ],
      [a],
      [{ target: 'agent:h1', at: 1, fired: { job: 'j', call: 's1', action: 'x', atMs: 1, downMs: 1 } }],
    );
    expect(failing(v)).toEqual([]);
  });

  it('fail on a repeat, a gap, a key with two jobs, an unfinished job, a temporary name and a missed kill point', () => {
    const a = world([jobRec('job-1', 'k1'), endRec('job-1'), jobRec('job-2', 'k1')], ['.x.qcow2.vdisk-1.part']);
    const v = runChecks(
      [
        record([
          [ev(1), ev(1), end(2)],
          [ev(1), end(3)],
        ]),
      ],
      [a],
      [{ target: 'gateway:node', at: 5 }],
    );
    expect(failing(v)).toEqual([
      'every kill point reached and restarted',
      'every key maps to exactly one job',
      'every job ended done, rolled-back, cancelled or failed',
      'no event a reader saw is missing or repeated',
      'nothing is left under a temporary name',
    ]);
    expect(v.find((x) => x.name.startsWith('no event'))!.detail.join('\n')).toMatch(
      /reader 0: ids 1,1,2[\s\S]*reader 1: ids 1,3/,
    );
  });
});

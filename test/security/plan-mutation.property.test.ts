// The property of issue 12: take any valid move or clone plan the planner makes for a real agent,
// change one value anywhere in its JSON (a string to a canary path outside the roots, a `../` path
// or another string; a number; a boolean; an array element removed or duplicated) and submit it.
// The agent never runs it: the answer is 422 (E_AGENT_PLAN_MISMATCH, or the planner's refusal of
// an edited request), 400 for a shape the schema refuses, or 409 E_PLAN_STALE only when the edit
// reached the facts (the `facts` field, or the request the facts are taken from); and afterwards
// no file in the roots or the canary directory changed and the journal holds no record. Progress
// weights and pool-free byte estimates are not compared (they drift), so they are not mutated here.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterIds } from '../../src/plan/ids.js';
import { planRequest } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
let inventory: unknown;
let canary: string;

beforeAll(async () => {
  t = await testAgent();
  const p1 = t.pool('p1');
  qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'base.qcow2'), '4M');
  qemuIo(join(p1, 'base.qcow2'), 'write -P 0x11 0 64k');
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.qcow2', '-F', 'qcow2', join(p1, 'mid.qcow2'));
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2', join(p1, 'top.qcow2'));
  qemuImg('create', '-q', '-f', 'qcow2', join(p1, 'solo.qcow2'), '2M');
  qemuImg('create', '-q', '-f', 'raw', join(p1, 'disk.img'), '1M');
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p2'), 'other.qcow2'), '1M');
  canary = join(t.dir, 'canary');
  mkdirSync(canary);
  writeFileSync(join(canary, 'secret'), 'do not touch');
  inventory = await (await t.req('GET', '/v1/inventory')).json();
}, 60_000);
afterAll(async () => t?.close());

const VOLUMES = ['p1:top.qcow2', 'p1:mid.qcow2', 'p1:solo.qcow2', 'p1:disk.img', 'p2:other.qcow2'];
const requests = fc.oneof(
  fc.record({
    kind: fc.constant('move'),
    volume: fc.constantFrom(...VOLUMES),
    toPool: fc.constantFrom('p1', 'p2'),
    shape: fc.constantFrom('flatten', 'keep-chain'),
    wipeSource: fc.boolean(),
    verify: fc.constantFrom('none', 'metadata', 'full'),
  }),
  fc.record(
    {
      kind: fc.constant('clone'),
      volume: fc.constantFrom(...VOLUMES),
      toPool: fc.constantFrom('p1', 'p2'),
      name: fc.constantFrom('c.qcow2', 'c.img'),
      format: fc.constantFrom('qcow2', 'raw'),
      shape: fc.constantFrom('flatten', 'shallow'),
      verify: fc.constantFrom('none', 'metadata', 'full'),
      mode: fc.constantFrom('0600', '0640'),
    },
    { requiredKeys: ['kind', 'volume', 'toPool', 'name'] },
  ),
);

type Path = (string | number)[];
/** Every place a value sits in the plan, except the drifting estimates the agent takes from its own plan. */
function places(value: unknown, at: Path = []): Path[] {
  const out: Path[] = at.length ? [at] : [];
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const here = [...at, Array.isArray(value) ? Number(k) : k];
      if (k === 'weight' && at.length === 2 && at[0] === 'steps') continue;
      if (k === 'bytes' && (value as { check?: string }).check === 'pool-free') continue;
      out.push(...places(v, here));
    }
  }
  return out;
}

const get = (o: unknown, p: Path): unknown =>
  p.reduce<unknown>((x, k) => (x as Record<string | number, unknown>)[k], o);

/** A value different from `old`, of the kinds an attacker would try. */
function mutate(old: unknown, pick: number): unknown {
  const strings = [
    join(canary, 'secret'),
    join(canary, 'new.qcow2'),
    `${t.pool('p2')}/../canary/x.qcow2`,
    '/etc/shadow',
    '../../etc/passwd',
    '',
    'x',
  ];
  if (typeof old === 'string') {
    const options = [...strings, `../${old}`, `${old}/../../canary`, `${old}x`].filter((s) => s !== old);
    return options[pick % options.length];
  }
  if (typeof old === 'number') return [old + 1, old - 1, 0, -1, 2 ** 53, 0o4777].filter((n) => n !== old)[pick % 5];
  if (typeof old === 'boolean') return !old;
  if (old === null) return [join(canary, 'secret'), '/etc/shadow', 0][pick % 3];
  if (Array.isArray(old)) {
    if (old.length === 0) return [join(canary, 'secret')];
    const i = pick % old.length;
    return pick % 2 ? [...old.slice(0, i), ...old.slice(i + 1)] : [...old.slice(0, i + 1), old[i], ...old.slice(i + 1)];
  }
  return pick % 2 ? {} : { ...(old as object), extra: join(canary, 'secret'), path: join(canary, 'secret') };
}

function mutated(plan: Plan, where: Path, pick: number): unknown {
  const copy = structuredClone(plan) as unknown as Record<string, unknown>;
  const parent = get(copy, where.slice(0, -1)) as Record<string | number, unknown>;
  parent[where.at(-1)!] = mutate(parent[where.at(-1)!], pick);
  return copy;
}

/** Size, inode, mode and mtime of every file under the roots and the canary (the state dir apart). */
function snapshot(): string {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (p === join(t.dir, 'state')) continue;
      const st = statSync(p);
      lines.push(`${p} ${st.size} ${st.ino} ${st.mode} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p);
    }
  };
  walk(t.dir);
  return lines.join('\n');
}
const journal = () =>
  existsSync(join(t.dir, 'state', 'journal.jsonl')) ? readFileSync(join(t.dir, 'state', 'journal.jsonl'), 'utf8') : '';

describe('a mutated plan never runs', () => {
  it('one value changed anywhere in a valid move or clone plan: refused, no file and no journal record changed', async () => {
    const before = snapshot();
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(requests, fc.nat(), fc.nat(), async (request, at, pick) => {
        let plan: Plan;
        try {
          plan = planRequest(request, inventory, counterIds('g'));
        } catch {
          return; // the planner refuses this request: there is no valid plan to mutate
        }
        const all = places(plan);
        const where = all[at % all.length]!;
        const sent = mutated(plan, where, pick);
        const r = await submit(t, sent);
        tried++;
        const factsReached = where[0] === 'facts' || where[0] === 'request';
        expect(
          r.status,
          `${where.join('.')} → ${JSON.stringify(get(sent, where))}: ${r.body.code}`,
        ).toBeGreaterThanOrEqual(400);
        if (r.status === 409) {
          expect(r.body.code).toBe('E_PLAN_STALE');
          expect(factsReached, where.join('.')).toBe(true);
        } else if (!factsReached && r.status === 422) {
          expect(['E_AGENT_PLAN_MISMATCH', 'E_AGENT_WRONG_HOST']).toContain(r.body.code);
        }
        expect(t.agent.jobs.jobs.size).toBe(0);
      }),
      { numRuns: 150 },
    );
    expect(tried).toBeGreaterThan(50);
    expect(snapshot()).toBe(before);
    expect(journal()).toBe('');
    expect(readFileSync(join(canary, 'secret'), 'utf8')).toBe('do not touch');
  }, 120_000);
});

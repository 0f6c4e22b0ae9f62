// Shared by the attack tests: a real agent (test/agent/helpers.ts), a plan the real planner made
// from its inventory, and what "refused and untouched" means: a 4xx answer, no journal record, no
// new file in a pool, no job. Submitted plans are refused either by containment (the codes these
// tests name) or, once the agent re-derives plans itself, as a mismatch with its own plan: both hold.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { planFor, qemuImg, type Submitted, type TestAgent } from '../agent/helpers.js';

export const REDERIVED = 'E_AGENT_PLAN_MISMATCH';

export const journal = (t: TestAgent): string => {
  const p = join(t.dir, 'state', 'journal.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
};

export const poolFiles = (t: TestAgent): string[] =>
  ['p1', 'p2'].flatMap((p) => readdirSync(t.pool(p)).map((f) => `${p}/${f}`)).sort();

/** A 4 MiB qcow2 p1/a.qcow2 and the planner's clone of it to p2/b.qcow2 (plus `extra` request fields). */
export async function clonePlan(t: TestAgent, extra: Record<string, unknown> = {}) {
  if (!existsSync(join(t.pool('p1'), 'a.qcow2')))
    qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '4M');
  return planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2', ...extra });
}

export type AnyPlan = Awaited<ReturnType<typeof clonePlan>>;

/** The submission was refused with `code` (or as a re-derivation mismatch), and nothing changed. */
export function expectRefused(t: TestAgent, r: Submitted, code: string | string[], before: string[]): void {
  expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
  expect(r.status).toBeLessThan(500);
  expect([code, REDERIVED].flat()).toContain(r.body.code);
  expect(journal(t)).toBe('');
  expect(poolFiles(t)).toEqual(before);
  expect(t.agent.jobs.jobs.size).toBe(0);
}

/** Absolute paths in `text` that are not under one of `roots` (by name). */
export function pathsOutside(text: string, roots: string[]): string[] {
  const found = text.match(/(?<![\w.~-])\/[^\s'"`,;:()<>[\]{}]+/g) ?? [];
  return found.filter((p) => !p.startsWith('/v1/') && !roots.some((r) => p === r || p.startsWith(`${r}/`)));
}

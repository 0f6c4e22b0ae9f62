// Attack: a plan with no steps whose precondition asks about a file outside the roots. Before, the
// agent checked it (existsSync) and answered 202 or 409: an existence oracle for any host file. Now
// every condition path passes the roots check first, so the answer is the same whether it exists.
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { submit, testAgent, type TestAgent } from '../agent/helpers.js';
import { clonePlan, expectRefused, poolFiles, type AnyPlan } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

function probe(plan: AnyPlan, condition: Record<string, unknown>): AnyPlan {
  return { ...structuredClone(plan), steps: [], preconditions: [condition as never], postconditions: [] };
}

async function answers(conditions: Record<string, unknown>[], code = 'E_AGENT_PATH_OUTSIDE_ROOTS') {
  const plan = await clonePlan(t);
  const before = poolFiles(t);
  const out: unknown[] = [];
  for (const c of conditions) {
    const r = await submit(t, probe(plan, c));
    out.push(r.body);
    expectRefused(t, r, code, before);
  }
  return out;
}

describe('a precondition that probes a host file', () => {
  it.each(['file-exists', 'file-absent'])(
    '%s outside the roots: the same refusal for a file that exists and one that does not',
    async (check) => {
      t = await testAgent();
      const [exists, missing] = await answers([
        { check, path: '/etc/passwd' },
        { check, path: '/etc/no-such-file-here' },
      ]);
      expect({ ...(exists as object), path: undefined }).toEqual({ ...(missing as object), path: undefined });
      expect((exists as { code: string }).code).toBe((missing as { code: string }).code);
    },
  );

  it('volume-path outside the roots is refused too', async () => {
    t = await testAgent();
    await answers([{ check: 'volume-path', volume: 'p1:a.qcow2', path: '/etc/passwd' }]);
  });

  it('through an in-root link: the same answer whether the link target exists', async () => {
    t = await testAgent();
    symlinkSync('/etc/passwd', join(t.pool('p1'), 'to-passwd'));
    symlinkSync('/etc/no-such-file-here', join(t.pool('p1'), 'to-nothing'));
    const [exists, missing] = await answers(
      [
        { check: 'file-exists', path: join(t.pool('p1'), 'to-passwd') },
        { check: 'file-exists', path: join(t.pool('p1'), 'to-nothing') },
      ],
      'E_AGENT_SYMLINK_ESCAPE',
    );
    const strip = (b: unknown) => JSON.stringify(b).replaceAll('to-passwd', 'X').replaceAll('to-nothing', 'X');
    expect(strip(exists)).toBe(strip(missing));
  });
});

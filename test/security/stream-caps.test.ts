// Bounded work per caller (issue 12, item 6): event streams are capped per caller and per agent;
// over a cap the answer is 429 E_AGENT_TOO_MANY_STREAMS with Retry-After, and a slot comes back when
// its stream ends.
import { afterEach, describe, expect, it } from 'vitest';
import { Job } from '../../src/agent/jobs/job.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

/** A job that stays queued until the test ends it, so its streams stay open. */
function heldJob(): Job {
  const job = new Job(
    'job-held',
    { id: 'p-held', kind: 'clone', steps: [] } as unknown as Plan,
    new Date().toISOString(),
  );
  t.agent.jobs.jobs.set(job.id, job);
  return job;
}

const watch = (caller: string) =>
  t.req('GET', '/v1/jobs/job-held/events', undefined, { headers: { 'x-vdisk-caller': caller } });

describe('event stream caps', () => {
  it('429 with Retry-After over the per-caller and the per-agent cap; a slot comes back when a stream ends', async () => {
    t = await testAgent({ maxStreams: 3, maxStreamsPerCaller: 2 });
    const job = heldJob();
    const open = [await watch('alice'), await watch('alice')];
    expect(open.map((r) => r.status)).toEqual([200, 200]);
    const third = await watch('alice');
    expect([third.status, third.headers.get('retry-after')]).toEqual([429, '5']);
    expect(await third.json()).toMatchObject({ code: 'E_AGENT_TOO_MANY_STREAMS' });
    open.push(await watch('bob'));
    expect(open[2]!.status).toBe(200);
    const overAgent = await watch('carol');
    expect([overAgent.status, overAgent.headers.get('retry-after')]).toEqual([429, '5']);
    job.moveTo('failed');
    for (const r of open) expect(await r.text()).toContain('event: end');
    const again = await watch('alice');
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('event: end');
  });
});

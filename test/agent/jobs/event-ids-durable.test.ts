// Event ids survive an agent restart: a reader that saw events up to id N before the agent died and
// reconnects with Last-Event-ID N afterwards gets exactly the events after N — the same ones, never a
// repeat of N or a gap — for a job that had ended and for one the restarted agent resumes.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/agent.js';
import { silentLogger } from '../../../src/agent/log.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

interface Ev {
  id: number;
  event: string;
  data: unknown;
}

async function events(id: string, last?: number): Promise<Ev[]> {
  const res = await t.req(
    'GET',
    `/v1/jobs/${id}/events`,
    undefined,
    last === undefined ? {} : { headers: { 'last-event-id': String(last) } },
  );
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => /^event:/m.test(b))
    .map((b) => ({
      id: Number(/^id: ?(.*)$/m.exec(b)![1]),
      event: /^event: ?(.*)$/m.exec(b)![1]!,
      data: JSON.parse(/^data: ?(.*)$/m.exec(b)![1]!),
    }));
}

/** The agent stops (as if killed: nothing is flushed beyond what it wrote) and a new one starts on its state dir. */
async function restart(): Promise<void> {
  await t.agent.close();
  t.agent = createAgent(t.config, { log: silentLogger });
}

async function cloneSetup(): Promise<unknown> {
  t = await testAgent();
  const src = join(t.pool('p1'), 'a.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, '8M');
  qemuIo(src, 'write -P 0x5a 0 2M');
  return planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' });
}

describe('event ids across an agent restart', () => {
  it('an ended job: a resumed reader gets the same last events with the same ids', async () => {
    const plan = await cloneSetup();
    const id = (await submit(t, plan, 'k-ended')).body.id;
    await ended(t, id);
    const before = await events(id);
    expect(before.length).toBeGreaterThan(4);
    expect(before.map((e) => e.id)).toEqual(before.map((_, i) => i + 1));
    await restart();
    await t.agent.start();
    const n = before.length;
    expect(await events(id, n - 2)).toEqual(before.slice(n - 2));
    expect(await events(id)).toEqual(before);
  });

  it('a job resumed after a restart numbers its new events after the ones a reader saw', async () => {
    const plan = await cloneSetup();
    let stopped!: () => void;
    const atVerify = new Promise<void>((r) => (stopped = r));
    t.agent.ctx.stepHooks = {
      async beforeCall(call) {
        if (!call.action.startsWith('verify')) return;
        stopped();
        await new Promise(() => undefined); // the agent "dies" here
      },
    };
    const id = (await submit(t, plan, 'k-resumed')).body.id;
    await atVerify;
    const job = t.agent.jobs.get(id);
    const seen = job.events.list.map((e) => ({ ...e }));
    expect(seen.length).toBeGreaterThan(2);
    await restart();
    const [resumed] = t.agent.jobs.recover();
    expect(resumed!.id).toBe(id);
    await resumed!.ended;
    const after = await events(id, seen.length);
    expect(after[0]!.id).toBe(seen.length + 1);
    expect(after.map((e) => e.id)).toEqual(after.map((_, i) => seen.length + 1 + i));
    expect(after.at(-1)).toMatchObject({ event: 'end', data: { state: 'done' } });
    // The whole stream now: what the reader saw first, unchanged, then the rest.
    const all = await events(id);
    expect(all.slice(0, seen.length)).toEqual(JSON.parse(JSON.stringify(seen)));
  });
});

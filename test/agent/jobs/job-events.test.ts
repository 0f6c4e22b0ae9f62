// Job events as Server-Sent Events: increasing ids, a resumed stream (Last-Event-ID) gets only what
// it missed, heartbeat comments while a job runs, and the stream ends with `end`. Cancel of a
// running job rolls it back and ends it `cancelled`. Logs are one JSON object per line.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

interface Frame {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

async function frames(res: Response): Promise<Frame[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const f: Frame = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) f.comment = line.slice(1).trim();
        const m = /^(id|event|data): ?(.*)$/.exec(line);
        if (m) f[m[1] as 'id' | 'event' | 'data'] = m[2];
      }
      return f;
    });
}

async function cloneJob(sizeMiB = 8) {
  const lines: string[] = [];
  t = await testAgent({}, (event, fields) =>
    lines.push(JSON.stringify({ time: new Date().toISOString(), event, ...fields })),
  );
  const src = join(t.pool('p1'), 'a.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, `${sizeMiB}M`);
  qemuIo(src, `write -P 0x77 0 ${Math.min(sizeMiB, 256)}M`);
  const plan = await planFor(t, { kind: 'clone', volume: 'p1:a.qcow2', toPool: 'p2', name: 'b.qcow2' });
  return { plan, lines };
}

describe('job events and cancel', () => {
  it('streams numbered events to the end, and resumes after Last-Event-ID', async () => {
    const { plan } = await cloneJob();
    const { body } = await submit(t, plan);
    const all = await frames(await t.req('GET', `/v1/jobs/${body.id}/events`));
    const events = all.filter((f) => f.event);
    expect(events.map((f) => Number(f.id))).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)).toMatchObject({ event: 'end' });
    expect(JSON.parse(events.at(-1)!.data!)).toMatchObject({ state: 'done' });
    expect(events.filter((f) => f.event === 'step').length).toBeGreaterThanOrEqual(plan.steps.length * 2);
    const later = await frames(
      await t.req('GET', `/v1/jobs/${body.id}/events`, undefined, { headers: { 'last-event-id': '3' } }),
    );
    expect(later.filter((f) => f.event).map((f) => f.id)).toEqual(events.slice(3).map((f) => f.id));
  });

  it('sends heartbeat comments while the job runs', async () => {
    const { plan } = await cloneJob(512);
    const { body } = await submit(t, plan);
    const all = await frames(await t.req('GET', `/v1/jobs/${body.id}/events`));
    expect(all.some((f) => f.comment === 'heartbeat')).toBe(true); // the helper's agent beats every 50 ms
  });

  it('cancel rolls a running job back: state cancelled, the partial copy removed', async () => {
    const { plan } = await cloneJob(512);
    const { body } = await submit(t, plan);
    const res = await t.req('POST', `/v1/jobs/${body.id}/cancel`);
    expect(res.status).toBe(202);
    expect(((await res.json()) as { state: string }).state).toBe('cancelling');
    const status = await ended(t, body.id);
    expect([status.state, status.error?.code, status.report?.outcome]).toEqual([
      'cancelled',
      'E_AGENT_CANCELLED',
      'rolled-back',
    ]);
    const unknown = await t.req('POST', '/v1/jobs/job-nope/cancel');
    expect(unknown.status).toBe(404);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(t.pool('p2'))).toEqual([]);
  });

  it('logs one JSON object per line with time and event', async () => {
    const { plan, lines } = await cloneJob();
    await ended(t, (await submit(t, plan)).body.id);
    const parsed = lines.map((l) => JSON.parse(l) as { time: string; event: string });
    expect(parsed.every((l) => typeof l.time === 'string' && typeof l.event === 'string')).toBe(true);
    expect(parsed.map((l) => l.event)).toEqual(
      expect.arrayContaining(['http', 'job-submitted', 'step-start', 'step-end', 'job-end']),
    );
  });
});

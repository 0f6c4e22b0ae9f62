// Job events relayed as Server-Sent Events: ids kept, Last-Event-ID resume, heartbeats, end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, rand, setup, type Setup, type SetupOptions } from '../helpers/setup.js';
import { sseReader } from '../helpers/sse-client.js';
import { moveRequest } from '../helpers/worlds.js';

export function eventChecks(opts: SetupOptions = {}) {
  let s: Setup;
  beforeAll(async () => {
    s = await setup({ heartbeatMs: 50, ...opts });
  });
  afterAll(async () => {
    await s.close();
  });

  async function startJob(): Promise<{ pub: string; agentId: string }> {
    const { plan } = (await (await s.request('/v1/plans', s.auth('read', json({ request: moveRequest })))).json()) as {
      plan: unknown;
    };
    const { id } = (await (
      await s.request('/v1/jobs', s.auth('write', json({ plan }, { 'idempotency-key': rand(8) })))
    ).json()) as { id: string };
    return { pub: id, agentId: id.split('~')[1]! };
  }

  describe('job events', () => {
    it('relays events with their ids and names, public job ids in the data, and ends after `end`', async () => {
      const { pub, agentId } = await startJob();
      const res = await s.request(`/v1/jobs/${pub}/events`, s.auth('read'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const sse = sseReader(res);
      s.alpha.emit(agentId, 'state', { id: agentId, state: 'running', progress: 0 });
      expect(await sse.nextEvent()).toMatchObject({ id: '1', event: 'state' });
      s.alpha.emit(agentId, 'progress', { progress: 0.5 });
      const p = await sse.nextEvent();
      expect(p).toMatchObject({ id: '2', event: 'progress' });
      expect(JSON.parse(p!.data!)).toEqual({ progress: 0.5 });
      s.alpha.emit(agentId, 'end', { id: agentId, state: 'done', progress: 1 });
      const end = await sse.nextEvent();
      expect(end).toMatchObject({ id: '3', event: 'end' });
      expect(JSON.parse(end!.data!)).toEqual({ id: pub, state: 'done', progress: 1 });
      expect(await sse.nextEvent()).toBeUndefined();
    });

    it('resumes after Last-Event-ID: only later events are sent', async () => {
      const { pub, agentId } = await startJob();
      for (const [i, ev] of ['state', 'progress', 'progress', 'end'].entries()) s.alpha.emit(agentId, ev, { n: i + 1 });
      const res = await s.request(`/v1/jobs/${pub}/events`, s.auth('read', { headers: { 'last-event-id': '2' } }));
      const sse = sseReader(res);
      const got = [];
      for (let b = await sse.nextEvent(); b; b = await sse.nextEvent()) got.push([b.id, b.event, b.data]);
      expect(got).toEqual([
        ['3', 'progress', '{"n":3}'],
        ['4', 'end', '{"n":4}'],
      ]);
      const call = s.alpha.calls.filter((c) => c.path === `/v1/jobs/${agentId}/events`).at(-1)!;
      expect(call.headers['last-event-id']).toBe('2');
      expect(call.verified).toBe(true);
    });

    it('sends heartbeat comments while the job is quiet, then goes on relaying', async () => {
      const { pub, agentId } = await startJob();
      const sse = sseReader(await s.request(`/v1/jobs/${pub}/events`, s.auth('read')));
      const first = await sse.next();
      expect(first).toMatchObject({ comment: 'heartbeat' });
      s.alpha.emit(agentId, 'end', { state: 'done' });
      expect(await sse.nextEvent()).toMatchObject({ id: '1', event: 'end' });
    });

    it('refuses a bad Last-Event-ID and an unknown job before streaming', async () => {
      const { pub } = await startJob();
      const bad = await s.request(
        `/v1/jobs/${pub}/events`,
        s.auth('read', { headers: { 'last-event-id': '3; DROP' } }),
      );
      expect(bad.status).toBe(400);
      const unknown = await s.request('/v1/jobs/alpha~j999/events', s.auth('read'));
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: 'E_JOB_UNKNOWN', agent: 'alpha' });
    });

    it("relays an agent's 429 (stream cap) with its Retry-After", async () => {
      const res = await s.request('/v1/jobs/alpha~crowded/events', s.auth('read'));
      expect([res.status, res.headers.get('retry-after')]).toEqual([429, '5']);
      expect(await res.json()).toMatchObject({ code: 'E_AGENT_TOO_MANY_STREAMS', agent: 'alpha' });
    });
  });
}

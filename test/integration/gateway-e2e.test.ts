// End to end over HTTP: a console-like client → the gateway (on Node, then under workerd) → the real
// host agent → a real QEMU guest. Plans a live block copy of the guest's disk into another pool,
// starts it, watches its Server-Sent Events to the end (reconnecting once with Last-Event-ID), and
// checks the pivot: the device now runs on the copy, whose guest-visible data equals the source.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/agent.js';
import { listen } from '../../src/agent/server.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import type { GatewayConfigInput } from '../../src/gateway/config.js';
import { startEdgeGateway } from '../../src/gateway/edge/launch.js';
import { sseReader, type Block } from '../gateway/helpers/sse-client.js';
import { rand, json } from '../gateway/helpers/setup.js';
import { requireTool } from '../helpers/tools.js';
import { startGuest } from './qmp/guest.js';
import { compareImages, imageDir } from './qmp/images.js';

requireTool('qemu-img');
requireTool('qemu-system-x86_64');
requireTool('workerd');

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanups.splice(0).reverse()) await f();
});

type Request = (path: string, init?: RequestInit) => Promise<Response>;

async function world() {
  const guest = await startGuest([{ id: 'vda', layers: ['base', 'top'] }]);
  cleanups.push(() => guest.dispose());
  const pool2 = imageDir();
  const state = mkdtempSync(join(tmpdir(), 'va-'));
  cleanups.push(() => {
    rmSync(pool2, { recursive: true, force: true });
    rmSync(state, { recursive: true, force: true });
  });
  await guest.vm.qmp.close(); // QEMU serves one QMP client: the agent's
  const secret = `agent-${rand()}`;
  const agent = createAgent(
    {
      name: 'host-a',
      roots: [
        { name: 'pool1', dir: guest.dir },
        { name: 'pool2', dir: pool2 },
      ],
      vms: [{ name: 'vm1', socket: guest.vm.socketPath }],
      listen: '127.0.0.1:0',
      secret,
      stateDir: state,
      jobTimeoutMs: 120_000,
      heartbeatMs: 1_000,
    },
    {
      log: (event, data) => {
        if (process.env.E2E_DEBUG) console.log('agent', event, JSON.stringify(data)?.slice(0, 400));
      },
    },
  );
  await agent.start();
  const server = await listen(agent.app.fetch, '127.0.0.1:0');
  cleanups.push(async () => {
    await server.close();
    await agent.close();
  });
  const tokens = { read: `r${rand()}`, write: `w${rand()}` };
  const config: GatewayConfigInput = {
    agents: [{ name: 'host-a', url: `http://${server.address}`, secret }],
    tokens: [
      { token: tokens.read, scope: 'read' },
      { token: tokens.write, scope: 'write' },
    ],
    heartbeatMs: 1_000,
  };
  return { guest, pool2, agent, config, tokens };
}

async function gatewayOn(runtime: 'node' | 'workerd', config: GatewayConfigInput): Promise<Request> {
  if (runtime === 'node') {
    const app = createGatewayApp(config, { log: () => {} });
    return async (path, init) => app.request(path, init);
  }
  const gw = await startEdgeGateway(config, { host: '127.0.0.1', port: 0 });
  cleanups.push(() => gw.close());
  return (path, init) => fetch(gw.url + path, init);
}

async function readEvents(res: Response, stopAfter?: number): Promise<Block[]> {
  expect(res.status).toBe(200);
  const sse = sseReader(res);
  const got: Block[] = [];
  for (let b = await sse.nextEvent(); b; b = await sse.nextEvent()) {
    got.push(b);
    if (stopAfter !== undefined && got.length >= stopAfter) {
      await sse.cancel();
      break;
    }
  }
  return got;
}

const copyRequest = {
  kind: 'block-copy',
  vm: 'vm1',
  disks: [{ disk: 'vda', pool: 'pool2', name: 'copy.qcow2', flags: { copy: true } }],
};

describe.each(['node', 'workerd'] as const)('gateway on %s → agent → QEMU', (runtime) => {
  it('plans, runs and watches a live block copy with pivot to the end', { timeout: 180_000 }, async () => {
    const w = await world();
    const request = await gatewayOn(runtime, w.config);
    const auth = (scope: 'read' | 'write', init: RequestInit = {}) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${w.tokens[scope]}` },
    });

    const inv = (await (await request('/v1/inventory', auth('read'))).json()) as {
      agents: { up: boolean }[];
      inventory: {
        vms: { id: string; running: boolean; disks: { target: string; volume: string }[] }[];
        volumes: { id: string; path: string }[];
      };
    };
    // ageMs: how old this gateway copy's cached inventory of that agent is (a number, any value).
    expect(inv.agents).toEqual([{ name: 'host-a', up: true, hosts: ['host-a'], ageMs: expect.any(Number) }]);
    const vm = inv.inventory.vms.find((v) => v.id === 'vm1')!;
    expect(vm.running).toBe(true);
    const source = inv.inventory.volumes.find((v) => v.id === vm.disks[0]!.volume)!;
    expect(source.path).toBe(w.guest.path('top'));

    const preview = await request('/v1/plans', auth('read', json({ request: copyRequest })));
    expect(preview.status).toBe(200);
    const { plan, text, agent } = (await preview.json()) as {
      plan: { id: string; live: boolean; steps: { action: string }[] };
      text: string;
      agent: string;
    };
    expect(agent).toBe('host-a');
    expect(plan.live).toBe(true);
    expect(plan.steps.map((s) => s.action)).toEqual(
      expect.arrayContaining(['qmp-mirror', 'qmp-wait-ready', 'qmp-pivot']),
    );
    expect(text).toContain(plan.id);

    const key = rand(8);
    const started = await request('/v1/jobs', auth('write', json({ plan }, { 'idempotency-key': key })));
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: string };
    expect(started.headers.get('location')).toBe(`/v1/jobs/${id}`);

    const first = await readEvents(await request(`/v1/jobs/${id}/events`, auth('read')), 1);
    const lastId = first.at(-1)!.id!;
    const rest = await readEvents(
      await request(`/v1/jobs/${id}/events`, auth('read', { headers: { 'last-event-id': lastId } })),
    );
    const events = [...first, ...rest];
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(ids.length);
    expect(Number(rest[0]!.id)).toBe(Number(lastId) + 1);
    expect(events.some((e) => e.event === 'progress')).toBe(true);
    const end = events.at(-1)!;
    if (process.env.E2E_DEBUG) console.log(events.map((e) => `${e.id} ${e.event} ${e.data}`).join('\n'));
    expect(end.event).toBe('end');
    expect(JSON.parse(end.data!), end.data).toMatchObject({ state: 'done' });

    const again = await request('/v1/jobs', auth('write', json({ plan }, { 'idempotency-key': key })));
    expect(((await again.json()) as { id: string }).id).toBe(id);
    const status = (await (await request(`/v1/jobs/${id}`, auth('read'))).json()) as {
      state: string;
      progress: number;
    };
    expect(status).toMatchObject({ id, state: 'done', progress: 1 });
    const after = (await (await request('/v1/inventory', auth('read'))).json()) as typeof inv;
    const top = after.inventory.volumes.find((v) => v.id === after.inventory.vms[0]!.disks[0]!.volume)!;
    expect(top.path).toBe(join(w.pool2, 'copy.qcow2'));

    // The guest's device now sits on the copy (asked of QEMU itself), and the data came along.
    await w.agent.close();
    const qmp = await w.guest.vm.connect();
    const blocks = await qmp.execute<{ device: string; qdev: string; inserted?: { file: string } }[]>('query-block');
    expect(blocks.find((b) => b.qdev.includes('vda'))?.inserted?.file).toBe(join(w.pool2, 'copy.qcow2'));
    await qmp.execute('quit').catch(() => {});
    await w.guest.vm.exited;
    const cmp = compareImages(w.guest.path('top'), join(w.pool2, 'copy.qcow2'));
    expect(cmp.output).toContain('Images are identical');
  });
});

describe('a client retrying while the job runs', () => {
  it('gets the same job, and the inventory reads that come with it do not disturb the job', {
    timeout: 180_000,
  }, async () => {
    const w = await world();
    const request = await gatewayOn('node', w.config);
    const auth = (scope: 'read' | 'write', init: RequestInit = {}) => ({
      ...init,
      headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${w.tokens[scope]}` },
    });
    const { plan } = (await (await request('/v1/plans', auth('read', json({ request: copyRequest })))).json()) as {
      plan: unknown;
    };
    const key = rand(8);
    const { id } = (await (
      await request('/v1/jobs', auth('write', json({ plan }, { 'idempotency-key': key })))
    ).json()) as { id: string };
    // The retry makes the gateway read every agent's inventory (to route the plan) while the copy runs.
    const again = await request('/v1/jobs', auth('write', json({ plan }, { 'idempotency-key': key })));
    expect(((await again.json()) as { id: string }).id).toBe(id);
    const events = await readEvents(await request(`/v1/jobs/${id}/events`, auth('read')));
    expect(JSON.parse(events.at(-1)!.data!), events.at(-1)!.data).toMatchObject({ state: 'done' });
  });
});

// Attack: a guest of a raw disk writes a qcow2 header naming a backing file before the agent's first
// scan. A probe reads it as qcow2 on that backing; a plan made from that record would hand the
// backing file's bytes to whoever reads the copy. A probed qcow2 with a backing is refused as a plan
// source (E_PLAN_FORMAT_UNCONFIRMED) until the operator states its format with `--adopt`.
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAgentArgs, type AgentConfig } from '../../src/agent/config.js';
import { createGatewayApp } from '../../src/gateway/app.js';
import type { Inventory } from '../../src/plan/inventory.js';
import { planFor, qemuImg, SECRET, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The "raw" guest disk: its first bytes are a qcow2 header naming base.img (also in the pool). */
function guestWroteHeader(pool: string): void {
  writeFileSync(join(pool, 'base.img'), Buffer.alloc(1 << 20, 0x5a));
  qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.img', '-F', 'raw', join(pool, 'guest.img'), '1M');
}

const clone = { kind: 'clone', volume: 'p1:guest.img', toPool: 'p2', name: 'copy.img' };

/** The same roots and state dir, a new agent process (as after a restart with other flags). */
async function restarted(old: TestAgent, over: Partial<AgentConfig>): Promise<TestAgent> {
  await old.agent.close();
  const fresh = await testAgent({
    stateDir: join(old.dir, 'state'),
    roots: [
      { name: 'p1', dir: old.pool('p1') },
      { name: 'p2', dir: old.pool('p2') },
    ],
    ...over,
  });
  rmSync(fresh.dir, { recursive: true, force: true }); // its own empty pools are not used
  const close = fresh.close;
  return {
    ...fresh,
    dir: old.dir,
    pool: old.pool,
    close: async () => {
      await close();
      rmSync(old.dir, { recursive: true, force: true });
    },
  };
}

async function refusal(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'planned',
    (e: { code?: string }) => e.code ?? String(e),
  );
}

describe('probed formats are not trusted', () => {
  it('a scanned qcow2 with a backing file is refused as a plan source', async () => {
    t = await testAgent();
    guestWroteHeader(t.pool('p1'));
    const inv = (await (await t.req('GET', '/v1/inventory')).json()) as Inventory;
    expect(inv.volumes.find((v) => v.id === 'p1:guest.img')).toMatchObject({
      format: 'qcow2',
      formatSource: 'probed',
      backing: 'p1:base.img',
    });
    expect(await refusal(planFor(t, clone))).toBe('E_PLAN_FORMAT_UNCONFIRMED');
  });

  it('the gateway preview says so too (422 E_PLAN_FORMAT_UNCONFIRMED, the hint names --adopt)', async () => {
    t = await testAgent();
    guestWroteHeader(t.pool('p1'));
    const agent = t.agent;
    const gw = createGatewayApp(
      {
        agents: [{ name: 'h1', url: 'http://h1.test', secret: SECRET }],
        tokens: [{ token: 'w'.repeat(20), scope: 'write' }],
      },
      {
        fetch: (async (input: RequestInfo | URL, init?: RequestInit) =>
          agent.app.fetch(new Request(input, init))) as typeof fetch,
        log: () => {},
      },
    );
    const res = await gw.request('/v1/plans', {
      method: 'POST',
      headers: { authorization: `Bearer ${'w'.repeat(20)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ request: clone }),
    });
    const body = (await res.json()) as { code: string; hint?: string };
    expect([res.status, body.code]).toEqual([422, 'E_PLAN_FORMAT_UNCONFIRMED']);
    expect(body.hint).toContain('--adopt');
  });

  it('plans once the operator states the format with --adopt, and the statement is kept', async () => {
    t = await testAgent();
    guestWroteHeader(t.pool('p1'));
    expect(await refusal(planFor(t, clone))).toBe('E_PLAN_FORMAT_UNCONFIRMED'); // the first scan probed it
    t = await restarted(t, { adopt: [{ volume: 'p1:guest.img', format: 'qcow2' }] });
    expect(await refusal(planFor(t, clone))).toBe('planned');
    expect(t.agent.ctx.store.data.volumes.find((v) => v.id === 'p1:guest.img')).toMatchObject({
      format: 'qcow2',
      formatSource: 'stated',
    });
    t = await restarted(t, {}); // stated once is kept without --adopt
    expect(await refusal(planFor(t, clone))).toBe('planned');
  });

  it('--adopt VOLUME=raw reads the file as the raw disk it is: no backing, plannable', async () => {
    t = await testAgent();
    guestWroteHeader(t.pool('p1'));
    t = await restarted(t, { adopt: [{ volume: 'p1:guest.img', format: 'raw' }] });
    const inv = (await (await t.req('GET', '/v1/inventory')).json()) as Inventory;
    expect(inv.volumes.find((v) => v.id === 'p1:guest.img')).toMatchObject({
      format: 'raw',
      formatSource: 'stated',
      backing: null,
      backingName: null,
    });
    expect(await refusal(planFor(t, clone))).toBe('planned');
  });

  it('a file recorded as raw that later reads as qcow2 stays raw (the record wins)', async () => {
    t = await testAgent();
    writeFileSync(join(t.pool('p1'), 'base.img'), Buffer.alloc(1 << 20, 0x5a));
    writeFileSync(join(t.pool('p1'), 'guest.img'), Buffer.alloc(1 << 20));
    await t.req('GET', '/v1/inventory');
    qemuImg('create', '-q', '-f', 'qcow2', '-b', 'base.img', '-F', 'raw', join(t.pool('p1'), 'guest.img'), '1M');
    const inv = (await (await t.req('GET', '/v1/inventory')).json()) as Inventory;
    expect(inv.volumes.find((v) => v.id === 'p1:guest.img')).toMatchObject({
      format: 'raw',
      formatSource: 'probed',
      backing: null,
    });
  });

  it('--adopt takes VOLUME=FORMAT with a volume id or POOL:relative/path', () => {
    const secret = join(mkdtempSync(join(tmpdir(), 'vs-')), 'secret');
    writeFileSync(secret, 'a secret of enough length\n');
    chmodSync(secret, 0o600);
    const base = ['--root', 'p1=/srv/p1', '--secret-file', secret];
    const parse = (...a: string[]) => {
      try {
        return parseAgentArgs([...base, ...a]).adopt;
      } catch (e) {
        return (e as { code: string }).code;
      }
    };
    expect(parse('--adopt', 'p1:dir/a.img=raw', '--adopt', 'p1:b.qcow2=qcow2')).toEqual([
      { volume: 'p1:dir/a.img', format: 'raw' },
      { volume: 'p1:b.qcow2', format: 'qcow2' },
    ]);
    expect(parse('--adopt', 'p1:a.img=vmdk')).toBe('E_USAGE');
  });
});

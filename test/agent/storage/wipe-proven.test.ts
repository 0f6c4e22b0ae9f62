// The wipe is proven, not assumed: a descriptor opened on the old file before the move reads every
// byte back as zero after the unlink — after a plain run, after a kill mid-wipe (the restarted agent
// resumes the wipe from its journal) and after a cancel that arrives during the wipe.
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../../src/agent/agent.js';
import { silentLogger } from '../../../src/agent/log.js';
import { readThrough } from '../../helpers/held-file.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
const fds: number[] = [];
afterEach(async () => {
  for (const fd of fds.splice(0)) closeSync(fd);
  await t?.close();
});

async function source(): Promise<{ path: string; fd: number }> {
  t = await testAgent();
  const path = join(t.pool('p1'), 'disk.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', path, '16M');
  qemuIo(path, 'write -P 0x3c 0 3M');
  const fd = openSync(path, 'r');
  fds.push(fd);
  expect(readThrough(fd).nonZero).toBeGreaterThan(3 << 20);
  return { path, fd };
}

const MOVE = { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', wipeSource: true };

describe('wipeSource, read back through a descriptor held across the unlink', () => {
  it('offline move: the old file reads all zeros and has no link left', async () => {
    const { path, fd } = await source();
    expect((await ended(t, (await submit(t, await planFor(t, MOVE))).body.id)).state).toBe('done');
    expect(existsSync(path)).toBe(false);
    expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
  });

  it('killed mid-wipe: the restarted agent resumes the wipe from its journal', async () => {
    const { path, fd } = await source();
    let wiping!: () => void;
    const started = new Promise<void>((r) => (wiping = r));
    t.agent.ctx.stepHooks = {
      async beforeCall(call) {
        if (call.action !== 'delete-file') return;
        qemuIo(path, 'write -P 0 0 1M'); // the first part wiped, then the agent "dies"
        wiping();
        await new Promise(() => undefined);
      },
    };
    const plan = await planFor(t, MOVE);
    const id = (await submit(t, plan)).body.id;
    await started;
    await t.agent.close(); // the journal shows the wipe started and not ended
    expect(readThrough(fd).nonZero).toBeGreaterThan(0);
    const config = {
      name: 'h1',
      roots: [
        { name: 'p1', dir: t.pool('p1') },
        { name: 'p2', dir: t.pool('p2') },
      ],
      vms: [],
      listen: '127.0.0.1:0',
      secret: 'a test secret of enough length',
      stateDir: join(t.dir, 'state'),
      jobTimeoutMs: 60_000,
      heartbeatMs: 50,
    };
    const again = createAgent(config, { log: silentLogger });
    t.agent = again;
    const resumed = again.jobs.recover();
    expect(resumed.map((j) => j.id)).toEqual([id]);
    await resumed[0]!.ended;
    expect(again.jobs.get(id).state).toBe('done');
    expect(existsSync(path)).toBe(false);
    expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
  });

  it('a cancel during the wipe does not stop it: the data is switched, the cleanup finishes', async () => {
    const { path, fd } = await source();
    let go!: () => void;
    const held = new Promise<void>((r) => (go = r));
    let wiping!: () => void;
    const started = new Promise<void>((r) => (wiping = r));
    t.agent.ctx.stepHooks = {
      async beforeCall(call) {
        if (call.action !== 'delete-file') return;
        wiping();
        await held;
      },
    };
    const id = (await submit(t, await planFor(t, MOVE))).body.id;
    await started;
    expect((await t.req('POST', `/v1/jobs/${id}/cancel`)).status).toBe(202);
    go();
    expect((await ended(t, id)).state).toBe('done');
    expect(existsSync(path)).toBe(false);
    expect(readThrough(fd)).toMatchObject({ nonZero: 0, links: 0 });
  });
});

// Attack: a local user reads the agent's journal (every plan with its paths, the idempotency keys)
// or its inventory store, or writes into a state dir that is group-writable. The state dir is 0700,
// the journal and the store 0600, made so and tightened when found looser.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => (statSync(p).mode & 0o777).toString(8);

async function agentIn(stateDir: string) {
  mkdirSync(join(dir, 'p1'), { recursive: true });
  const agent = createAgent(
    {
      name: 'h1',
      roots: [{ name: 'p1', dir: join(dir, 'p1') }],
      vms: [],
      listen: '127.0.0.1:0',
      secret: 'a secret of enough length',
      stateDir,
      jobTimeoutMs: 60_000,
      heartbeatMs: 1000,
    },
    { log: silentLogger },
  );
  await agent.start();
  const { signRequest } = await import('../../src/auth/hmac.js');
  await agent.app.request('/v1/inventory', {
    headers: await signRequest('a secret of enough length', {
      agent: 'h1',
      method: 'GET',
      url: 'http://localhost/v1/inventory',
    }),
  });
  return agent;
}

describe('agent state files are private', () => {
  it('a new state dir is 0700, journal.jsonl and inventory.json 0600', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vjm-'));
    const state = join(dir, 'state');
    const agent = await agentIn(state);
    expect([mode(state), mode(join(state, 'journal.jsonl')), mode(join(state, 'inventory.json'))]).toEqual([
      '700',
      '600',
      '600',
    ]);
    await agent.close();
  });

  it('an existing looser state dir, journal and store are tightened at start', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vjm-'));
    const state = join(dir, 'state');
    mkdirSync(state);
    chmodSync(state, 0o755);
    writeFileSync(join(state, 'journal.jsonl'), '');
    chmodSync(join(state, 'journal.jsonl'), 0o644);
    writeFileSync(join(state, 'inventory.json'), JSON.stringify({ volumes: [], snapshots: [], vms: [], applied: [] }));
    chmodSync(join(state, 'inventory.json'), 0o664);
    const agent = await agentIn(state);
    expect([mode(state), mode(join(state, 'journal.jsonl')), mode(join(state, 'inventory.json'))]).toEqual([
      '700',
      '600',
      '600',
    ]);
    await agent.close();
  });
});

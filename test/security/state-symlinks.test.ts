// The agent's state files (journal, inventory store, nonce log, and the temporary names they are
// rewritten through) live in a 0700 directory, but a link left there must not turn the agent's own
// writes into writes elsewhere: no chmod, append, truncate or rewrite follows a symlink. A link in the
// journal's place stops the start with E_STATE_SYMLINK; one at a temporary name is replaced, not
// written through.
import { chmodSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/agent/agent.js';
import { silentLogger } from '../../src/agent/log.js';
import { isVdiskError } from '../../src/errors/vdisk-error.js';
import { qemuImg, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
afterEach(async () => {
  await t?.close();
});

const PRECIOUS = 'precious data, not agent state\n';

/** A stopped agent's state dir with `name` a symlink to a 0644 file outside it; that file's path. */
async function linkInState(name: string): Promise<string> {
  t = await testAgent();
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'a.qcow2'), '1M');
  expect((await t.req('GET', '/v1/inventory')).status).toBe(200); // state files written once
  await t.agent.close();
  const outside = join(t.dir, 'precious.txt');
  writeFileSync(outside, PRECIOUS);
  chmodSync(outside, 0o644);
  const at = join(t.config.stateDir, name);
  rmSync(at, { force: true });
  symlinkSync(outside, at);
  return outside;
}

/** Starts the agent again and makes it write: an inventory build, a signed call (a nonce), a compaction. */
async function startAndWrite(): Promise<unknown> {
  try {
    t.agent = createAgent({ ...t.config, keepJobs: 0 }, { log: silentLogger });
    await t.agent.start();
  } catch (e) {
    return e;
  }
  qemuImg('create', '-q', '-f', 'qcow2', join(t.pool('p1'), 'b.qcow2'), '1M');
  expect((await t.req('GET', '/v1/inventory')).status).toBe(200);
  t.agent.jobs.compact();
  return undefined;
}

const untouched = (outside: string) => {
  expect(readFileSync(outside, 'utf8')).toBe(PRECIOUS);
  expect(statSync(outside).mode & 0o777).toBe(0o644);
};

describe('links in the state dir', () => {
  it('journal.jsonl as a link to a file outside: the start is refused with E_STATE_SYMLINK, the file untouched', async () => {
    const outside = await linkInState('journal.jsonl');
    const e = await startAndWrite();
    untouched(outside); // the old start chmod'ed the link's target to 0600, then appended to it
    expect(isVdiskError(e) && e.code).toBe('E_STATE_SYMLINK');
  });

  for (const name of ['inventory.json.tmp', 'nonces.log.tmp']) {
    it(`${name} (a temporary name) as a link: replaced, never written through`, async () => {
      const outside = await linkInState(name);
      expect(await startAndWrite()).toBeUndefined();
      untouched(outside);
    });
  }
});

// QEMU opens the files it is named in blockdev-add / blockdev-create itself, by name (no descriptor
// can be passed from Node: docs/security.md). The agent's step runner checks each such name right
// before the command: a symlink or a hard link to a file outside the roots is refused and QEMU is
// never sent the name. The VM session is a recording stand-in: what matters is what would be sent.
import { linkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentRunner } from '../../src/agent/jobs/step-runner.js';
import type { QmpClient } from '../../src/qmp/client.js';
import type { ActionCall } from '../../src/plan/actions.js';
import type { Step } from '../../src/plan/plan-schema.js';
import { testAgent, type TestAgent } from '../agent/helpers.js';
import { canary } from './swap.js';

let t: TestAgent;
afterEach(async () => t?.close());

async function run(call: ActionCall): Promise<{ sent: string[]; error?: { code?: string } }> {
  const sent: string[] = [];
  const qmp = {
    execute: async (cmd: string) => {
      sent.push(cmd);
      return {};
    },
  } as unknown as QmpClient;
  t.agent.ctx.vms.session = async () => qmp;
  const runner = agentRunner(t.agent.ctx, {
    jobId: 'j1',
    replay: new Map(),
    inFlight: new Set(),
    signal: new AbortController().signal,
    onCall: () => {},
    onProgress: () => {},
    contain: () => {}, // the containment check has its own tests: here only the check before QEMU's own open
  });
  const step = {
    id: 's1',
    unit: 'u1',
    action: call.action,
    params: call.params,
    phase: 'prepare',
    undo: [],
    weight: 1,
  } as unknown as Step;
  try {
    await runner(call, { step, undo: false });
    return { sent };
  } catch (e) {
    return { sent, error: e as { code?: string } };
  }
}

/** Another volume of pool p1 that a link beside it points at: the roots check by name lets such a link pass. */
function otherVolume(): string {
  const other = join(t.pool('p1'), 'other.img');
  writeFileSync(other, new Uint8Array(4096).fill(7));
  return other;
}

const open = (path: string): ActionCall => ({
  action: 'qmp-open-image',
  params: { vm: 'vm1', node: 'n1', fileNode: 'f1', path, format: 'raw', readOnly: false, backing: null },
});
const create = (path: string): ActionCall => ({
  action: 'qmp-create-image',
  params: {
    vm: 'vm1',
    fileJob: 'c1',
    formatJob: null,
    node: 'n1',
    fileNode: 'f1',
    path,
    format: 'raw',
    size: 1 << 20,
    backingFile: null,
    backingFormat: null,
    backing: null,
  },
});

describe('names handed to QEMU are checked right before the command', () => {
  it('blockdev-add of a symlink (to another volume, inside the roots) is refused; QEMU is never sent it', async () => {
    t = await testAgent();
    const path = join(t.pool('p1'), 'disk.img');
    symlinkSync(otherVolume(), path);
    const r = await run(open(path));
    expect(r.error?.code).toBe('E_AGENT_SYMLINK');
    expect(r.sent).toEqual([]);
  });

  it('blockdev-add of a hard link to an outside file is refused (E_AGENT_HARD_LINK)', async () => {
    t = await testAgent();
    const c = canary(t);
    const path = join(t.pool('p1'), 'disk.img');
    linkSync(c.path, path);
    const r = await run(open(path));
    expect(r.error?.code).toBe('E_AGENT_HARD_LINK');
    expect(r.sent).toEqual([]);
  });

  it('blockdev-create where a symlink to another volume was planted is refused (QEMU would truncate it)', async () => {
    t = await testAgent();
    const path = join(t.pool('p1'), 'new.img');
    symlinkSync(otherVolume(), path);
    const r = await run(create(path));
    expect(r.error?.code).toBe('E_AGENT_SYMLINK');
    expect(r.sent).toEqual([]);
  });

  it('a regular file with one link in a root is handed over', async () => {
    t = await testAgent();
    const path = join(t.pool('p1'), 'disk.img');
    writeFileSync(path, new Uint8Array(4096));
    const r = await run(open(path));
    expect(r.error).toBeUndefined();
    expect(r.sent).toEqual(['blockdev-add', 'blockdev-add']);
  });
});

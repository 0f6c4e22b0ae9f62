// Seed 000: a move is not held up by its wipe. Once the switch lands the job says so (state
// `cleanup`, a `switched` event) and holds only the old files it still wipes and deletes, so a
// second plan on the moved volume starts while the wipe runs (a seam holds the wipe at its start).
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from '../helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

describe('a move releases what it switched before its cleanup runs', () => {
  it('a clone of the moved volume starts during the wipe; the old file stays held', async () => {
    t = await testAgent();
    const src = join(t.pool('p1'), 'disk.qcow2');
    qemuImg('create', '-q', '-f', 'qcow2', src, '16M');
    qemuIo(src, 'write -P 0x3c 0 2M');
    let letWipeGo!: () => void;
    const wipeHeld = new Promise<void>((r) => (letWipeGo = r));
    let wiping!: () => void;
    const wipeStarted = new Promise<void>((r) => (wiping = r));
    t.agent.ctx.stepHooks = {
      async beforeCall(call) {
        if (call.action !== 'delete-file') return;
        wiping();
        await wipeHeld;
      },
    };
    const move = await submit(
      t,
      await planFor(t, { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', wipeSource: true }),
    );
    expect(move.status).toBe(202);
    await wipeStarted;
    const job = t.agent.jobs.get(move.body.id);
    expect(job.state).toBe('cleanup');
    expect(job.events.list.map((e) => e.event)).toContain('switched');
    const clone = await submit(
      t,
      await planFor(t, { kind: 'clone', volume: 'p1:disk.qcow2', toPool: 'p1', name: 'c.qcow2' }, 'c'),
    );
    expect([clone.status, clone.body.code]).toEqual([202, undefined]);
    expect((await ended(t, clone.body.id)).state).toBe('done');
    // The old file is still the move's until its wipe and delete have run.
    expect(() => t.agent.jobs.busy.acquire('probe', { vms: [], volumes: [], paths: [src] })).toThrow(/held by job/);
    letWipeGo();
    expect((await ended(t, move.body.id)).state).toBe('done');
    expect(() => t.agent.jobs.busy.acquire('probe', { vms: [], volumes: [], paths: [src] })).not.toThrow();
  });
});

// A copy corrupted between its copy step and its verify (a seam in the step runner writes into the
// new file with qemu-io): the job fails E_AGENT_VERIFY_MISMATCH, rolls back, leaves the source byte
// for byte as it was and the inventory as it was, and no copy behind.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/plan/inventory.js';
import { ended, planFor, qemuImg, qemuIo, submit, testAgent, type TestAgent } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

const digest = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const volumes = async () => ((await (await t.req('GET', '/v1/inventory')).json()) as Inventory).volumes
  .map(({ allocated: _, ...v }) => v).sort((a, b) => a.id.localeCompare(b.id));

const CASES = [
  { name: 'offline move, verify metadata', request: { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', verify: 'metadata' }, copy: 'disk.qcow2' },
  { name: 'offline move, verify full', request: { kind: 'move', volume: 'p1:disk.qcow2', toPool: 'p2', verify: 'full', wipeSource: true }, copy: 'disk.qcow2' },
  { name: 'clone, verify full', request: { kind: 'clone', volume: 'p1:disk.qcow2', toPool: 'p2', name: 'c.qcow2' }, copy: 'c.qcow2' },
] as const;

describe('a copy corrupted before its verify is caught and rolled back', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      t = await testAgent();
      const src = join(t.pool('p1'), 'disk.qcow2');
      qemuImg('create', '-q', '-f', 'qcow2', src, '16M');
      qemuIo(src, 'write -P 0x3c 0 2M');
      const before = { bytes: digest(src), volumes: await volumes() };
      const target = join(t.pool('p2'), c.copy);
      let corrupted = false;
      t.agent.ctx.stepHooks = {
        afterCall(call) {
          // In metadata mode a discarded range (data the source has, the target lacks) must be found.
          if (call.action === 'flush-volume') qemuIo(target, 'verify' in c.request && c.request.verify === 'metadata' ? 'discard 1M 64k' : 'write -P 0x3d 1M 4k');
          corrupted ||= call.action === 'flush-volume';
        },
      };
      const plan = await planFor(t, c.request);
      const status = await ended(t, (await submit(t, plan)).body.id);
      expect(corrupted).toBe(true);
      expect([status.state, status.error?.code]).toEqual(['rolled-back', 'E_AGENT_VERIFY_MISMATCH']);
      expect(digest(src)).toBe(before.bytes);
      expect(existsSync(target)).toBe(false);
      expect(await volumes()).toEqual(before.volumes);
    });
  }
});

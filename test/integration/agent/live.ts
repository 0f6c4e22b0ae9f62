// An in-process agent managing one real QEMU guest: plans made by the real planner from the agent's
// inventory, submitted over the signed HTTP API, their QMP commands compared with the simulator's
// for the same plan and inventory, and the images checked with qemu-img once QEMU has quit.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, onTestFinished } from 'vitest';
import { signRequest } from '../../../src/auth/hmac.js';
import { createAgent, type Agent } from '../../../src/agent/agent.js';
import { silentLogger } from '../../../src/agent/log.js';
import { counterIds } from '../../../src/plan/ids.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import { planRequest } from '../../../src/plan/plan.js';
import type { Plan } from '../../../src/plan/plan-schema.js';
import { simulatePlan, type SimResult } from '../../../src/plan/sim/simulate.js';
import { worldFromInventory } from '../../../src/plan/sim/from-inventory.js';
import { BLOCKS, type SimWorld } from '../../../src/plan/sim/world.js';
import { queryBlock, queryNamedBlockNodes } from '../../../src/qmp/blockdev.js';
import { Transcript } from '../../../src/qmp/transcript.js';
import { attachGuest, guestBootArgs } from '../../helpers/guest-os/boot.js';
import type { GuestControl } from '../../helpers/guest-os/control.js';
import type { QemuInstance } from '../../helpers/qemu.js';
import type { JobStatus } from '../../../src/agent/jobs/job.js';
import { makeImages, qemuImg, startGuest, tempDir, type DiskSpec } from './guest.js';
import { recorder } from './record.js';

export const SECRET = 'integration secret, long enough';

export interface Live {
  dir: string;
  pool1: string;
  pool2: string;
  qemu: QemuInstance;
  agent: Agent;
  transcript: Transcript;
  /** The writing guest's control port (with `os: true`). */
  guest?: GuestControl;
  path(name: string, pool?: 1 | 2): string;
  inventory(): Promise<Inventory>;
  /**
   * Plans `request`, simulates it, runs it; returns the job's end and both command lists. `world`
   * simulates on the world an earlier run left (the QEMU graph as that run's plan opened it).
   */
  run(
    request: Record<string, unknown>,
    o?: { prefix?: string; simFault?: (plan: Plan) => string; world?: SimWorld },
  ): Promise<Ran>;
  /** A guest write through vda's device (HMP qemu-io on the virtio backend): `len` bytes of `pattern` at `offset`. */
  guestWrite(pattern: number, offset: number, len: number): Promise<void>;
  /** Devices → node names, and every named node, from the live graph. */
  graph(): Promise<{ devices: Record<string, string>; nodes: string[] }>;
  /** Quits QEMU so qemu-img may open the images. */
  quit(): Promise<void>;
  dispose(): Promise<void>;
}

export interface Ran {
  plan: Plan;
  status: JobStatus;
  sim: SimResult;
  real: Cmd[];
  simulated: Cmd[];
}
type Cmd = { execute: string; arguments: Record<string, unknown> };

const isQuery = (name: string) =>
  name.startsWith('query-') || name.startsWith('x-debug-query-') || name === 'qmp_capabilities';

/**
 * `os: true` boots the test Linux guest, whose init writes to every disk (live.guest). `record` names
 * the scenario's QMP recording (test/fixtures/qmp/NAME.jsonl, written with VDISK_RECORD_QMP=1).
 */
export async function liveAgent(disks: DiskSpec[], o: { os?: boolean; record?: string } = {}): Promise<Live> {
  const dir = tempDir();
  const pool1 = join(dir, 'p1');
  const pool2 = join(dir, 'p2');
  mkdirSync(pool2, { recursive: true });
  makeImages(pool1, disks);
  const boot = o.os ? guestBootArgs(dir) : undefined;
  const qemu = await startGuest(pool1, disks, boot);
  await qemu.qmp.close(); // QEMU serves one QMP client at a time: the agent's
  const guest = boot
    ? await attachGuest(boot).catch(async (e) => {
        await qemu.stop();
        throw e;
      })
    : undefined;
  const transcript = new Transcript();
  const rec = recorder(o.record, dir, qemu.socketPath, transcript, expect.getState().currentTestName ?? '');
  if (rec)
    onTestFinished(({ task }) => {
      if (task.result?.state === 'pass') rec.save();
    });
  const agent = createAgent(
    {
      name: 'h1',
      roots: [
        { name: 'p1', dir: pool1 },
        { name: 'p2', dir: pool2 },
      ],
      vms: [{ name: 'vm1', socket: qemu.socketPath }],
      listen: '127.0.0.1:0',
      secret: SECRET,
      stateDir: join(dir, 'state'),
      jobTimeoutMs: 60_000,
      heartbeatMs: 1000,
      // The VM quitting or starting is no file change: tests read the inventory right after and expect
      // to see it, as with no cache (submissions always plan against a fresh build anyway).
      inventoryTtlMs: 0,
    },
    { log: rec ? (e, f) => rec.log(e, f) : silentLogger, transcripts: new Map([['vm1', transcript]]) },
  );
  await agent.start();
  const session = () => agent.ctx.vms.session('vm1');
  const req = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const signed = await signRequest(SECRET, {
      agent: 'h1',
      method,
      url: `http://localhost${path}`,
      headers,
      body: text,
    });
    return agent.app.request(path, { method, headers: { ...signed, ...headers }, ...(text ? { body: text } : {}) });
  };
  const inventory = async () => (await (await req('GET', '/v1/inventory')).json()) as Inventory;
  /** The simulator's world, with no guest data in layers that hold none themselves (an empty qcow2 still takes disk space). */
  const worldOf = async (inv: Inventory) => {
    const empty = new Set(inv.volumes.filter((v) => !layerHasData(v.path, v.format)).map((v) => v.id));
    return worldFromInventory(inv, (v, i) => {
      const out: Record<number, string> = {};
      if (!empty.has(v.id)) for (let k = 0; k < BLOCKS; k++) if ((i + k) % 3 !== 1) out[k] = `${v.id}@${k}`;
      return out;
    });
  };
  let quitDone = false;
  const live: Live = {
    dir,
    pool1,
    pool2,
    qemu,
    agent,
    transcript,
    inventory,
    guest,
    path: (name, pool = 1) => join(pool === 1 ? pool1 : pool2, /\.(qcow2|img)$/.test(name) ? name : `${name}.qcow2`),
    async run(request, o = {}) {
      const inv = await inventory();
      const plan = planRequest(request, inv, counterIds(o.prefix ?? 'x'));
      const fault = o.simFault ? { step: o.simFault(plan) } : undefined;
      const world = o.world ? { ...o.world, qmpLog: [], violations: [] } : await worldOf(inv);
      const sim = await simulatePlan(plan, inv, { world, ...(fault ? { fault } : {}) });
      const mark = transcript.entries.length;
      rec?.run(o.prefix ?? 'x', request, inv, plan);
      const res = await req('POST', '/v1/jobs', { plan }, { 'idempotency-key': `k-${plan.id}-${Math.random()}` });
      expect(res.status, await res.clone().text()).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const job = agent.jobs.get(id);
      await job.ended;
      const real = transcript.entries
        .slice(mark)
        .flatMap((e) =>
          e.type === 'command' && !isQuery(e.execute) ? [{ execute: e.execute, arguments: e.arguments ?? {} }] : [],
        );
      const simulated = sim.qmp.map((c) => ({ execute: c.execute, arguments: c.arguments }));
      return { plan, status: job.status(), sim, real, simulated };
    },
    async guestWrite(pattern, offset, len) {
      const cmd = `qemu-io -d /machine/peripheral/vda/virtio-backend "write -P 0x${pattern.toString(16)} ${offset} ${len}"`;
      const out = await (await session()).execute<string>('human-monitor-command', { 'command-line': cmd });
      // qemu-io prints its result on QEMU's stdout; the HMP reply carries only errors.
      if (out.trim() !== '') throw new Error(`guest write failed: ${out}`);
    },
    async graph() {
      const qmp = await session();
      const devices = Object.fromEntries(
        (await queryBlock(qmp)).map((b) => [
          /peripheral\/([^/]+)\//.exec(b.qdev ?? '')?.[1] ?? b.device,
          b.inserted?.['node-name'] ?? '',
        ]),
      );
      const nodes = (await queryNamedBlockNodes(qmp))
        .map((n) => n['node-name'])
        .filter((n) => !n.startsWith('#'))
        .sort();
      return { devices, nodes };
    },
    async quit() {
      if (quitDone) return;
      quitDone = true;
      rec?.stop();
      await (await session()).execute('quit').catch(() => undefined);
      await qemu.exited;
    },
    async dispose() {
      saveTranscript(transcript);
      guest?.close();
      await live.quit().catch(() => undefined);
      await agent.close();
      await qemu.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return live;
}

/** With VDISK_QMP_TRANSCRIPTS=DIR, keeps each test's transcript as DIR/agent-<test>.json. */
function saveTranscript(t: Transcript): void {
  const out = process.env.VDISK_QMP_TRANSCRIPTS;
  if (!out) return;
  const name = (expect.getState().currentTestName ?? 'unnamed').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `agent-${name.slice(0, 110)}.json`), `${JSON.stringify(t, null, 1)}\n`);
}

/** True when the layer itself (depth 0 of qemu-img map) holds data. */
function layerHasData(path: string, format: string): boolean {
  const map = JSON.parse(qemuImg('map', '--output=json', '-U', '-f', format, path)) as {
    depth: number;
    data: boolean;
  }[];
  return map.some((e) => e.depth === 0 && e.data);
}

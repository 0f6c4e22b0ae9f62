// The chaos run: N agents (own processes, own pools and QEMU VM each), a Node and a workerd gateway
// in front of them, C clients submitting J jobs through either, faults at seeded kill points, then
// everything stopped and checked (checks.ts). Used by test/scale/chaos.test.ts (small) and by
// `npm run bench -- scale` (full size). Free of vitest, so the bench can bundle it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGuest } from '../integration/agent/guest.js';
import type { QemuInstance } from '../helpers/qemu.js';
import { AgentProc, verbBundle } from './agent-proc.js';
import { runChecks, type AgentFiles, type Verdict } from './checks.js';
import { KINDS, runJob, type JobRecord, type JobSpec } from './client.js';
import { Faults } from './faults.js';
import { nodeGateway, workerdGateway, type Gateway } from './gateways.js';
import { formatOf, makePool } from './images.js';
import { rng } from './rng.js';

export interface ChaosOptions {
  root: string;
  seed: number;
  agents: number;
  jobs: number;
  clients: number;
  imagesPerAgent: number;
  deadlineMs: number;
  log?: (s: string) => void;
}

export interface ChaosResult {
  seed: number;
  durationMs: number;
  jobsPerSecond: number;
  outcomes: Record<string, number>;
  retries: { submits: number; staleReplans: number };
  readers: { connects: number; switches: number };
  killPoints: string[];
  verdicts: Verdict[];
  ok: boolean;
  agentLogs: string[];
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'vchaos-'));
  const bundleDir = join(o.root, 'dist', `.scale-${process.pid}`);
  const qemus: QemuInstance[] = [];
  const agents: AgentProc[] = [];
  const gws: Gateway[] = [];
  const files: AgentFiles[] = [];
  try {
    const bundle = await verbBundle(o.root, bundleDir, 'agent');
    for (let i = 0; i < o.agents; i++) {
      const name = `h${i + 1}`;
      const adir = join(dir, name);
      mkdirSync(adir);
      const pool = makePool(adir, o.imagesPerAgent);
      const qemu = await startGuest(pool.roots.a, [{ id: 'vda', layers: ['vm-base', 'vm-top'] }]);
      await qemu.qmp.close(); // QEMU serves one QMP client: the agent's
      qemus.push(qemu);
      const roots = { [`${name}a`]: pool.roots.a, [`${name}b`]: pool.roots.b };
      const stateDir = join(adir, 'state');
      const adopt = pool.images.map((f) => `${name}a:${f}=${formatOf(f)}`);
      agents.push(
        new AgentProc(
          {
            name,
            roots,
            vmSocket: qemu.socketPath,
            stateDir,
            secret: randomBytes(24).toString('hex'),
            dir: adir,
            adopt,
          },
          bundle,
        ),
      );
      files.push({ name, stateDir, roots, refs: pool.refs, initial: pool.images });
    }
    await Promise.all(agents.map((a) => a.start()));
    const tokens = { read: randomBytes(16).toString('hex'), write: randomBytes(16).toString('hex') };
    const config = {
      agents: agents.map((a) => ({ name: a.spec.name, url: a.url, secret: a.spec.secret })),
      tokens: [
        { token: tokens.read, scope: 'read' as const, name: 'reader' },
        { token: tokens.write, scope: 'write' as const, name: 'chaos' },
      ],
      heartbeatMs: 1_000,
      agentTimeoutMs: 10_000,
    };
    gws.push(
      nodeGateway(config, await verbBundle(o.root, bundleDir, 'gateway'), join(dir, 'gateway')),
      workerdGateway(config, o.root),
    );
    await Promise.all(gws.map((g) => g.start()));
    log(
      `seed ${o.seed}: ${o.agents} agents, ${gws.length} gateways (node ${gws[0]!.url}, workerd ${gws[1]!.url}), ${o.jobs} jobs, ${o.clients} clients`,
    );

    const faults = new Faults(agents, gws, rng(o.seed), Math.max(6, Math.floor((o.jobs / o.agents) * 1.5)));
    const specs: JobSpec[] = Array.from({ length: o.jobs }, (_, index) => {
      const r = rng(o.seed * 7919 + index + 1);
      return {
        index,
        agent: r.pick(agents).spec.name,
        kind: r.pick(KINDS),
        pick: r.next(),
        format: r.pick(['qcow2', 'raw'] as const),
        cancel: r.chance(0.1),
        switchEvery: r.int(1, 4),
      };
    });
    const dirOf = (pool: string) => files.find((f) => f.roots[pool])!.roots[pool]!;
    const t0 = Date.now();
    const deadline = t0 + o.deadlineMs;
    const records: JobRecord[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: o.clients }, async () => {
        while (next < specs.length) {
          const spec = specs[next++]!;
          const rec = await runJob(
            spec,
            { gws, tokens, deadline, dirOf, onStepStart: (a, e, j) => faults.onStepStart(a, e, j) },
            rng(o.seed * 31 + spec.index),
          );
          records.push(rec);
          log(
            `job #${spec.index} ${spec.kind} on ${spec.agent}: ${rec.jobId ? `${rec.jobId} ${rec.final?.state}` : `refused ${rec.refused}`}`,
          );
        }
      }),
    );
    await faults.settled();
    const durationMs = Date.now() - t0;

    // Stop everything before looking at files: gateways, agents (SIGTERM), then the VMs (quit).
    await Promise.all(gws.map((g) => g.close()));
    await Promise.all(agents.map((a) => a.stop()));
    await Promise.all(qemus.map((q) => q.stop()));
    const verdicts = runChecks(records, files, faults.list);

    const outcomes: Record<string, number> = {};
    for (const r of records) {
      const k = r.jobId ? `${r.final?.state ?? 'unknown'}` : `refused ${r.refused}`;
      outcomes[k] = (outcomes[k] ?? 0) + 1;
    }
    const withJob = records.filter((r) => r.jobId).length;
    return {
      seed: o.seed,
      durationMs,
      jobsPerSecond: withJob / (durationMs / 1000),
      outcomes,
      retries: {
        submits: records.reduce((n, r) => n + r.keys.reduce((m, k) => m + k.attempts - 1, 0), 0),
        staleReplans: records.reduce((n, r) => n + r.keys.filter((k) => k.code === 'E_PLAN_STALE').length, 0),
      },
      readers: {
        connects: records.reduce((n, r) => n + r.readers.reduce((m, x) => m + x.connects, 0), 0),
        switches: records.reduce((n, r) => n + r.readers.reduce((m, x) => m + x.switches, 0), 0),
      },
      killPoints: faults.describe(),
      verdicts,
      ok: verdicts.every((v) => v.ok),
      agentLogs: agents.map((a) => a.log),
    };
  } finally {
    await Promise.all(gws.map((g) => g.close().catch(() => {})));
    await Promise.all(agents.map((a) => a.stop().catch(() => {})));
    await Promise.all(qemus.map((q) => q.stop().catch(() => {})));
    if (!process.env.VDISK_CHAOS_KEEP) rmSync(dir, { recursive: true, force: true });
    else {
      for (const a of agents) writeFileSync(join(dir, a.spec.name, 'agent.log'), a.log);
      log(`kept ${dir} (each agent's log in hN/agent.log)`);
    }
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

/** The figures as lines (the test prints them; the bench prints them beside its rows). */
export function report(r: ChaosResult): string[] {
  return [
    `chaos seed ${r.seed} (replay: VDISK_CHAOS_SEED=${r.seed})`,
    `duration ${(r.durationMs / 1000).toFixed(1)} s, ${r.jobsPerSecond.toFixed(2)} jobs/s`,
    `outcomes: ${Object.entries(r.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `submit retries (same key) ${r.retries.submits}, re-plans after E_PLAN_STALE ${r.retries.staleReplans}; reader connects ${r.readers.connects}, gateway switches ${r.readers.switches}`,
    ...r.killPoints.map((k) => `kill point: ${k}`),
    ...r.verdicts.map((v) => `${v.ok ? 'PASS' : 'FAIL'} ${v.name}${v.ok ? '' : `\n    ${v.detail.join('\n    ')}`}`),
  ];
}

// One client's job: read the inventory, preview a request, submit the plan with an Idempotency-Key
// through a random gateway — the same key again after a network error or a 5xx, a 4xx final, and
// after 409 E_PLAN_STALE a new preview under a new key — then two readers follow its events to the
// end (one switching gateways), an optional cancel, and the final status.
import { basename } from 'node:path';
import type { Gateway } from './gateways.js';
import { call, retrying, type Answer } from './http.js';
import { follow, type ReadResult, type SeenEvent } from './reader.js';
import type { Rng } from './rng.js';

export type JobKind = 'clone' | 'move' | 'flatten' | 'copy' | 'snapshot';
export const KINDS: readonly JobKind[] = ['clone', 'clone', 'move', 'move', 'flatten', 'copy', 'snapshot'];

export interface JobSpec {
  index: number;
  agent: string;
  kind: JobKind;
  pick: number;
  format: 'qcow2' | 'raw';
  cancel: boolean;
  switchEvery: number;
}

export interface KeyUse {
  key: string;
  attempts: number;
  status: number;
  code?: string;
}

export interface JobRecord {
  spec: JobSpec;
  request?: Record<string, unknown>;
  /** Files the request names, from the inventory it was planned on (for the file accounting). */
  files?: { source?: string; target?: string };
  keys: KeyUse[];
  jobId?: string;
  /** Why no job: the final 4xx code, or `gave-up`. */
  refused?: string;
  readers: ReadResult[];
  final?: { state: string; report?: { outcome: string; orphans?: { path?: string }[] }; error?: { code: string } };
  cancelSent: boolean;
  submittedAt?: number;
  endedAt?: number;
}

export interface ClientEnv {
  dirOf(pool: string): string;
  gws: Gateway[];
  tokens: { read: string; write: string };
  deadline: number;
  onStepStart(agent: string, e: SeenEvent, jobId: string): void;
}

interface Inv {
  agents?: { name: string; up: boolean }[];
  volumes: { id: string; pool: string; path: string; backing: string | null }[];
  vms: { id: string; disks: { target: string; volume: string }[] }[];
}

interface Asked {
  request: Record<string, unknown>;
  files: { source?: string; target?: string };
}

function requestFor(spec: JobSpec, inv: Inv, dirOf: (pool: string) => string): Asked | undefined {
  const pools = [`${spec.agent}a`, `${spec.agent}b`];
  const other = (pool: string) => (pool === pools[0] ? pools[1] : pools[0]);
  const vmId = `${spec.agent}vm`;
  const vm = inv.vms.find((v) => v.id === vmId);
  if (spec.kind === 'copy' || spec.kind === 'snapshot') {
    if (!vm) return undefined;
    const top = inv.volumes.find((v) => v.id === vm.disks[0]?.volume);
    if (!top) return undefined;
    if (spec.kind === 'snapshot') {
      const overlay = `${top.path.replace(/\.[^./]*$/, '')}.s${spec.index}.qcow2`;
      return { request: { kind: 'snapshot', vm: vmId, name: `s${spec.index}` }, files: { target: overlay } };
    }
    const name = `vm-c${spec.index}.qcow2`;
    return {
      request: {
        kind: 'block-copy',
        vm: vmId,
        disks: [{ disk: vm.disks[0]!.target, pool: other(top.pool), name, flags: { copy: true } }],
      },
      files: { target: `${dirOf(other(top.pool))}/${name}` },
    };
  }
  const offline = inv.volumes
    .filter((v) => pools.includes(v.pool) && basename(v.path).startsWith('i'))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const candidates =
    spec.kind === 'flatten' && offline.some((v) => v.backing) ? offline.filter((v) => v.backing) : offline;
  if (!candidates.length) return undefined;
  const v = candidates[Math.floor(spec.pick * candidates.length)]!;
  const stem = basename(v.path).replace(/\.[^.]*$/, '');
  if (spec.kind === 'move') {
    // A layer others are backed by stays where it is (E_PLAN_SHARED_BACKING): move what nothing depends on.
    const free = candidates.filter((c) => !inv.volumes.some((o) => o.backing === c.id));
    const v = free[Math.floor(spec.pick * free.length)];
    if (!v) return undefined;
    return {
      request: { kind: 'move', volume: v.id, toPool: other(v.pool) },
      files: { source: v.path, target: `${dirOf(other(v.pool))}/${basename(v.path)}` },
    };
  }
  const fmt = spec.kind === 'flatten' ? 'raw' : spec.format;
  const tag = spec.kind === 'flatten' ? 'f' : 'c';
  const name = `${stem}-${tag}${spec.index}.${fmt === 'raw' ? 'img' : 'qcow2'}`;
  return {
    request: { kind: 'clone', volume: v.id, toPool: other(v.pool), name, format: fmt, shape: 'flatten' },
    files: { target: `${dirOf(other(v.pool))}/${name}` },
  };
}

export async function runJob(spec: JobSpec, env: ClientEnv, rng: Rng): Promise<JobRecord> {
  const rec: JobRecord = { spec, keys: [], readers: [], cancelSent: false };
  const { gws, tokens, deadline } = env;
  for (let round = 0; round < 5 && !rec.jobId && !rec.refused; round++) {
    // An inventory without this agent (down, restarting) is asked again, as a console would.
    const inv = await retrying(gws, rng, deadline, async (gw) => {
      const a = await call(gw, tokens.read, '/v1/inventory');
      const up =
        a.kind === 'ok' &&
        (a.json.agents as { name: string; up: boolean }[]).some((x) => x.name === spec.agent && x.up);
      return a.kind === 'ok' && !up ? { ...a, kind: 'retry' } : a;
    });
    if (inv.kind !== 'ok') {
      rec.refused = `inventory ${inv.status} ${inv.error ?? ''}`;
      break;
    }
    const asked = requestFor(spec, inv.json.inventory as Inv, env.dirOf);
    if (!asked) {
      rec.refused = 'nothing to ask for';
      break;
    }
    const { request } = asked;
    rec.request = request;
    rec.files = asked.files;
    const preview = await retrying(gws, rng, deadline, (gw) =>
      call(gw, tokens.read, '/v1/plans', { method: 'POST', body: JSON.stringify({ request }) }),
    );
    if (preview.kind !== 'ok') {
      rec.refused = preview.json?.code ?? `preview ${preview.status}`;
      break;
    }
    // A snapshot's overlay sits on the top the plan saw, which may be newer than our inventory: take its name from the plan.
    if (spec.kind === 'snapshot')
      rec.files = {
        target: new RegExp(`"(/[^"]*\\.s${spec.index}\\.qcow2)"`).exec(JSON.stringify(preview.json.plan))?.[1],
      };
    const use: KeyUse = {
      key: `k${spec.index}-${round}-${Math.floor(rng.next() * 1e9).toString(36)}`,
      attempts: 0,
      status: 0,
    };
    rec.keys.push(use);
    rec.submittedAt ??= Date.now();
    const body = JSON.stringify({ plan: preview.json.plan });
    const a: Answer = await retrying(gws, rng, deadline, (gw) => {
      use.attempts++;
      return call(gw, tokens.write, '/v1/jobs', { method: 'POST', body, headers: { 'idempotency-key': use.key } });
    });
    use.status = a.status;
    use.code = a.json?.code;
    if (a.kind === 'ok') rec.jobId = a.json.id;
    else if (a.kind === 'retry') rec.refused = 'gave-up';
    else if (a.json?.code !== 'E_PLAN_STALE') rec.refused = a.json?.code ?? String(a.status);
  }
  if (!rec.jobId) return rec;
  const jobId = rec.jobId;
  const agent = spec.agent;
  const cancel = async () => {
    if (rec.cancelSent) return;
    rec.cancelSent = true;
    await retrying(gws, rng, deadline, (gw) =>
      call(gw, tokens.write, `/v1/jobs/${encodeURIComponent(jobId)}/cancel`, { method: 'POST' }),
    );
  };
  const onEvent = (e: SeenEvent) => {
    if (e.event !== 'step') return;
    if (!/"phase":"start"/.test(e.data)) return;
    env.onStepStart(agent, e, jobId);
    if (spec.cancel) void cancel();
  };
  rec.readers = await Promise.all([
    follow({ gws, token: tokens.read, jobId, rng, deadline, switchEvery: spec.switchEvery, onEvent }),
    follow({ gws, token: tokens.read, jobId, rng, deadline }),
  ]);
  const status = await retrying(gws, rng, deadline, (gw) =>
    call(gw, tokens.read, `/v1/jobs/${encodeURIComponent(jobId)}`),
  );
  if (status.kind === 'ok') rec.final = status.json;
  rec.endedAt = Date.now();
  return rec;
}

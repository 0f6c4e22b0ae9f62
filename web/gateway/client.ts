// The gateway's HTTP API as the console uses it (src/gateway/routes): bearer token on every call,
// problem+json errors turned back into VdiskErrors with their codes.
import { VdiskError } from '../../src/errors/vdisk-error.js';
import type { Inventory } from '../../src/plan/inventory.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PlanRequestInput } from '../../src/plan/requests.js';
import { consoleError } from '../../worker/codes.js';

export interface AgentState { name: string; up: boolean; hosts: string[]; error?: { code: string; detail?: string } }
export interface InventoryAnswer { agents: AgentState[]; inventory: Inventory }
export interface PlanPreview { agent: string; plan: Plan; text: string }
export interface JobStatus {
  id: string; planId: string; kind: string; agent?: string;
  state: 'queued' | 'running' | 'cleanup' | 'cancelling' | 'done' | 'failed' | 'rolled-back' | 'cancelled';
  progress: number; step?: string; error?: { code: string; message: string };
}

export class GatewayClient {
  constructor(readonly base: string, private readonly token: string) {}

  get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  url(path: string): string {
    return new URL(path, this.base).href;
  }

  async json<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    let res: Response;
    try {
      res = await fetch(this.url(path), {
        method, signal,
        headers: { ...this.headers, ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw consoleError('E_GATEWAY_UNREACHABLE', `${this.base} did not answer: ${(e as Error).message}`);
    }
    if (!res.ok) throw await problem(res);
    return (await res.json()) as T;
  }

  health = () => this.json<{ ok: boolean; agents: string[] }>('GET', '/v1/health');
  inventory = () => this.json<InventoryAnswer>('GET', '/v1/inventory');
  plan = (request: PlanRequestInput) => this.json<PlanPreview>('POST', '/v1/plans', { request });
  run = (plan: Plan, key: string) => this.json<{ id: string; agent: string }>('POST', '/v1/jobs', { plan }, { 'idempotency-key': key });
  job = (id: string) => this.json<JobStatus>('GET', `/v1/jobs/${encodeURIComponent(id)}`);
  cancel = (id: string) => this.json<JobStatus>('POST', `/v1/jobs/${encodeURIComponent(id)}/cancel`);

  /** URLs of a volume's bytes and extents through the gateway's relay. */
  volumeUrls(agent: string, volume: string): { url: string; extentsUrl: string } {
    const base = `/v1/agents/${encodeURIComponent(agent)}/volumes/${encodeURIComponent(volume)}`;
    return { url: this.url(`${base}/data`), extentsUrl: this.url(`${base}/extents`) };
  }
}

export async function problem(res: Response): Promise<VdiskError> {
  const body = (await res.json().catch(() => ({}))) as { code?: string; detail?: string; title?: string; hint?: string };
  // Not problem+json with a code: whatever answered is not a gateway (a static server, a proxy).
  if (!body.code) return consoleError('E_GATEWAY_NOT_A_GATEWAY', `${res.url} answered HTTP ${res.status} without a vdisk error`, { status: res.status });
  return new VdiskError(body.code, body.detail ?? body.title ?? `HTTP ${res.status}`, { status: res.status, ...(body.hint && { hint: body.hint }) });
}

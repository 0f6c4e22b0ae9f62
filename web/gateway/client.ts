// The gateway's HTTP API as the console uses it: Hono's typed RPC client over the gateway's own
// `AppType`, so paths, parameters and answers are the gateway's types, not copies. Bearer token on
// every call; every answer that is not 2xx is thrown as a VdiskError with the gateway's code
// (problem.ts), and an expired session is reported to `onExpired` so the console can ask again.
import { hc, type InferResponseType } from 'hono/client';
import type { AppType } from '../../src/gateway/app.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { PlanRequestInput } from '../../src/plan/requests.js';
import type { VdiskError } from '../../src/errors/vdisk-error.js';
import { problemFetch } from './problem.js';

type Api = ReturnType<typeof hc<AppType>>;
export type InventoryAnswer = InferResponseType<Api['v1']['inventory']['$get'], 200>;
export type AgentState = InventoryAnswer['agents'][number];
/** The wire type's steps are the schema's loose union; the planner's `Plan` names each action's parameters. */
export type PlanPreview = Omit<InferResponseType<Api['v1']['plans']['$post'], 200>, 'plan'> & { plan: Plan };
export type JobCreated = InferResponseType<Api['v1']['jobs']['$post'], 202>;
export type JobList = InferResponseType<Api['v1']['jobs']['$get'], 200>;
/** The gateway adds the agent that runs the job (the schema is a loose object, so it is named here). */
export type JobStatus = InferResponseType<Api['v1']['jobs'][':id']['$get'], 200> & { agent?: string };
export type JobState = JobStatus['state'];

/** Session ends the gateway reports: the person must log in again. */
const EXPIRED = new Set(['E_AUTH_SESSION_EXPIRED', 'E_AUTH_INVALID_TOKEN', 'E_AUTH_MISSING_TOKEN']);

export class GatewayClient {
  readonly fetch: typeof fetch;
  private readonly api: Api;

  constructor(
    readonly base: string,
    private readonly token: string,
    onExpired?: (e: VdiskError) => void,
  ) {
    this.fetch = problemFetch(base, (e) => {
      if (EXPIRED.has(e.code)) onExpired?.(e);
    });
    this.api = hc<AppType>(base, { fetch: this.fetch, headers: () => this.headers });
  }

  get headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}` };
  }

  url(path: string): string {
    return new URL(path, this.base).href;
  }

  inventory = async () => (await this.api.v1.inventory.$get()).json() as Promise<InventoryAnswer>;
  plan = async (request: PlanRequestInput) =>
    (await this.api.v1.plans.$post({ json: { request } as never })).json() as Promise<PlanPreview>;
  run = async (plan: Plan, key: string) =>
    (
      await this.api.v1.jobs.$post({ json: { plan } as never, header: { 'idempotency-key': key } })
    ).json() as Promise<JobCreated>;
  jobs = async (cursor?: string, limit = 50) =>
    (
      await this.api.v1.jobs.$get({ query: { limit: String(limit), ...(cursor && { cursor }) } as never })
    ).json() as Promise<JobList>;
  job = async (id: string) => (await this.api.v1.jobs[':id'].$get({ param: { id } })).json() as Promise<JobStatus>;
  cancel = async (id: string) =>
    (await this.api.v1.jobs[':id'].cancel.$post({ param: { id } })).json() as Promise<JobStatus>;
  retry = async (id: string, key: string) =>
    (
      await this.api.v1.jobs[':id'].retry.$post({ param: { id }, header: { 'idempotency-key': key } })
    ).json() as Promise<JobCreated>;
  extents = async (agent: string, volume: string) =>
    (await this.api.v1.agents[':agent'].volumes[':id'].extents.$get({ param: { agent, id: volume } } as never)).json();

  /** URLs of a volume's bytes and extents through the gateway's relay. */
  volumeUrls(agent: string, volume: string): { url: string; extentsUrl: string } {
    const base = `/v1/agents/${encodeURIComponent(agent)}/volumes/${encodeURIComponent(volume)}`;
    return { url: this.url(`${base}/data`), extentsUrl: this.url(`${base}/extents`) };
  }
}

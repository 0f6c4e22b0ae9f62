// GET /v1/jobs over every agent, paged: each agent pages its own jobs newest first (docs/contracts.md),
// and the gateway's cursor carries one agent cursor per agent that has more. A page holds up to
// `limit` jobs of each agent, merged newest first; paging on with `next` gives every job once. An
// agent that is down is reported in `agents` and dropped from `next` (its jobs come back on a new
// listing once it is up). Stateless: everything the next page needs is in the cursor.
import { z } from '@hono/zod-openapi';
import { VdiskError } from '../errors/vdisk-error.js';
import { agentReply } from './agent-errors.js';
import type { GatewayDeps } from './deps.js';
import { askAll } from './fan-out.js';
import { publicJobId } from './job-id.js';
import { JobStatusSchema } from './schemas.js';

type Job = z.infer<typeof JobStatusSchema>;
/** Agent cursors are base64url (src/agent/jobs/job-list.ts); checked before they go into a URL. */
const AGENT_CURSOR = /^[A-Za-z0-9_-]{1,400}$/;
const AgentPage = z.object({ jobs: z.array(JobStatusSchema), next: z.string().regex(AGENT_CURSOR).nullable() });

export async function listJobPage(deps: GatewayDeps, caller: string, limit: number, cursor?: string) {
  const from = cursor === undefined ? undefined : decodeCursor(cursor, deps);
  const agents = from ? deps.agents().filter((a) => from.has(a.name)) : deps.agents();
  const answers = await askAll<unknown>(
    deps,
    (a) => {
      const after = from?.get(a.name);
      return { method: 'GET', path: `/v1/jobs?limit=${limit}${after ? `&cursor=${after}` : ''}`, caller };
    },
    agents,
  );
  const jobs: Job[] = [];
  const next = new Map<string, string>();
  for (const a of answers) {
    if (!a.up) continue;
    const page = agentReply(AgentPage, a.json, a.agent.name);
    jobs.push(...page.jobs.map((j) => ({ ...j, id: publicJobId(a.agent.name, j.id), agent: a.agent.name })));
    if (page.next) next.set(a.agent.name, page.next);
  }
  jobs.sort((x, y) => (x.createdAt < y.createdAt ? 1 : x.createdAt > y.createdAt ? -1 : x.id < y.id ? 1 : -1));
  const status = answers.map((a) =>
    a.up ? { name: a.agent.name, up: true } : { name: a.agent.name, up: false, error: a.error },
  );
  return { jobs, agents: status, next: next.size ? encodeCursor(next) : null };
}

function encodeCursor(next: Map<string, string>): string {
  const bytes = new TextEncoder().encode(JSON.stringify(Object.fromEntries(next)));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

function decodeCursor(cursor: string, deps: GatewayDeps): Map<string, string> {
  try {
    const b64 = cursor.replace(/-/g, '+').replace(/_/g, '/');
    const v = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0)))) as unknown;
    const known = new Set(deps.agents().map((a) => a.name));
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length && entries.every(([k, c]) => known.has(k) && typeof c === 'string' && AGENT_CURSOR.test(c)))
        return new Map(entries as [string, string][]);
    }
  } catch {
    /* answered below */
  }
  throw new VdiskError('E_GATEWAY_BAD_CURSOR', 'the cursor is not one this gateway gave', { field: 'cursor' });
}

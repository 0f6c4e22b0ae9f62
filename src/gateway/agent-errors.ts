// An agent's error answer as a VdiskError: its problem+json code and status are relayed (422
// E_IDEMPOTENCY_MISMATCH or E_AGENT_PLAN_MISMATCH, 409 E_BUSY, 409 E_PLAN_STALE with its fresh plan...), a refused signature becomes the gateway's own 502 (a
// configuration fault, not the caller's), anything unreadable is a bad reply.
import { VdiskError } from '../errors/vdisk-error.js';
import { PlanSchema } from '../plan/plan-schema.js';

const CODE = /^E_[A-Z0-9_]{2,64}$/;
const MAX_DETAIL = 1000;

export async function agentError(agent: string, res: Response): Promise<VdiskError> {
  const text = await res.text().catch(() => '');
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON: handled below */
  }
  const code = typeof body.code === 'string' && CODE.test(body.code) ? body.code : undefined;
  if (res.status === 401 && (!code || code.startsWith('E_AUTH'))) {
    return new VdiskError(
      'E_GATEWAY_AGENT_AUTH',
      `agent ${agent} refused the gateway's signature (${code ?? 'HTTP 401'})`,
      { agent },
    );
  }
  if (!code) {
    return new VdiskError(
      'E_GATEWAY_AGENT_BAD_REPLY',
      `agent ${agent} answered HTTP ${res.status} without a problem document`,
      { agent },
    );
  }
  const detail = typeof body.detail === 'string' ? body.detail.slice(0, MAX_DETAIL) : undefined;
  const field = typeof body.field === 'string' ? body.field : undefined;
  // E_PLAN_STALE carries the agent's fresh plan: relayed only when it is a plan by the schema.
  const fresh = code === 'E_PLAN_STALE' ? PlanSchema.safeParse(body.plan) : undefined;
  // An agent's 429 (too many event streams) says when to come back; the caller gets that too.
  const retryAfter = /^\d{1,6}$/.test(res.headers.get('retry-after') ?? '')
    ? Number(res.headers.get('retry-after'))
    : undefined;
  return new VdiskError(code, detail, {
    agent,
    status: res.status,
    ...(field ? { field } : {}),
    ...(fresh?.success ? { plan: fresh.data } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}

/** An agent's success answer checked against the schema the gateway relies on. */
export function agentReply<T>(
  schema: {
    safeParse(
      v: unknown,
    ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[] }[] } };
  },
  value: unknown,
  agent: string,
): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const where = r.error.issues[0]?.path.map(String).join('.') || '(root)';
  throw new VdiskError(
    'E_GATEWAY_AGENT_BAD_REPLY',
    `agent ${agent} answered a document that does not match the schema at ${where}`,
    { agent },
  );
}

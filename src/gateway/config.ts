// What a gateway copy needs to run: its agents (name, URL, HMAC secret), its bearer tokens with their
// scopes, the browser origins allowed by CORS and its limits. Checked once with zod at start, so a bad
// configuration fails before the first request; messages name the field, never a secret's value.
import { z } from 'zod';
import { CALLER_NAME } from '../auth/caller.js';
import { VdiskError } from '../errors/vdisk-error.js';

/** Agent names go into public job ids (`AGENT~ID`) and paths, so they stay short and plain. */
export const AGENT_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const AgentSchema = z.object({
  name: z.string().regex(AGENT_NAME, 'agent names are lower-case letters, digits, _ and -'),
  url: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !new URL(u).username && !new URL(u).password, 'credentials in the agent URL are not allowed')
    .transform((u) => u.replace(/\/+$/, '')),
  secret: z.string().min(16, 'agent secrets need at least 16 characters'),
});

const TokenSchema = z.object({
  token: z
    .string()
    .min(16, 'tokens need at least 16 characters')
    .regex(/^[A-Za-z0-9._~+/-]+=*$/, 'tokens are base64url-like'),
  scope: z.enum(['read', 'write']),
  /** Who holds it: sent to agents (x-vdisk-caller), recorded on the jobs it starts. Default: from its hash. */
  name: z.string().regex(CALLER_NAME, 'token names are letters, digits, . _ @ - (at most 64)').optional(),
});

export const GatewayConfigSchema = z.object({
  agents: z
    .array(AgentSchema)
    .min(1, 'at least one agent is needed')
    .refine((a) => new Set(a.map((x) => x.name)).size === a.length, 'agent names must be unique'),
  tokens: z.array(TokenSchema).min(1, 'at least one token is needed'),
  corsOrigins: z.array(z.url()).default([]),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  agentTimeoutMs: z.number().int().positive().default(10_000),
  heartbeatMs: z.number().int().positive().default(15_000),
  /** Deadline of each call in a fan-out (inventory, agent list, job pages): a hung agent is marked down after it. */
  fanOutTimeoutMs: z.number().int().positive().default(1000),
  /** How long each agent's inventory is reused before it is revalidated (0: every request asks). */
  inventoryTtlMs: z.number().int().nonnegative().default(2000),
  /** Past the TTL, how much longer a cached inventory is still answered while it is refreshed in the background. */
  inventoryStaleMs: z.number().int().nonnegative().default(10_000),
  /**
   * Requests answered at once (an event stream counts until its answer starts, not while it is held);
   * one more gets 503 E_GATEWAY_OVERLOADED with Retry-After, so an overloaded copy sheds load at once
   * instead of queueing without bound until callers time out.
   */
  maxInFlight: z.number().int().positive().default(256),
  /** Checks console session tokens (src/auth/session-token.ts) minted by whoever holds it too. */
  sessionSecret: z.string().min(16, 'the session secret needs at least 16 characters').optional(),
});

export type Scope = z.infer<typeof TokenSchema>['scope'];
export type TokenEntry = z.input<typeof TokenSchema>;
export type AgentConfig = z.infer<typeof AgentSchema>;
export type GatewayConfigInput = z.input<typeof GatewayConfigSchema>;
export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export function parseGatewayConfig(value: unknown): GatewayConfig {
  const r = GatewayConfigSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  // zod messages never echo the input value, so a secret cannot leak through here.
  throw new VdiskError('E_GATEWAY_CONFIG', `${field || '(root)'}: ${issue.message}`, { field });
}

/**
 * Token file: one `read TOKEN [NAME]` or `write TOKEN [NAME]` per line; `#` starts a comment. NAME says
 * who holds the token (two tokens may share one, for rotation); without it the name comes from the
 * token's hash (src/gateway/middleware/auth.ts), never from the token itself.
 */
export function parseTokenFile(text: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    const m = /^(read|write)\s+(\S+)(?:\s+(\S+))?$/.exec(line);
    if (!m)
      throw new VdiskError(
        'E_GATEWAY_CONFIG',
        `token file line ${i + 1}: expected "read TOKEN NAME" or "write TOKEN NAME"`,
      );
    if (m[3] !== undefined && !CALLER_NAME.test(m[3])) {
      throw new VdiskError(
        'E_GATEWAY_CONFIG',
        `token file line ${i + 1}: token names are letters, digits, . _ @ - (at most 64)`,
      );
    }
    out.push({ scope: m[1] as Scope, token: m[2]!, ...(m[3] !== undefined && { name: m[3] }) });
  }
  return out;
}

// RFC 9457 problem+json answers built from VdiskError: `type` points at the code's entry in the docs
// page, `code` is the stable code, `detail` the message a person can act on, plus `field`/`hint`/`agent`.
import { HTTPException } from 'hono/http-exception';
import { describeCode } from '../errors/codes.js';
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';

export const PROBLEM_TYPE = 'application/problem+json';

/** Extra detail keys that may appear in an answer; anything else stays in the server log. */
const PUBLIC_DETAIL = ['field', 'hint', 'agent', 'job', 'value', 'plan'] as const;

export function problemBody(err: VdiskError): Record<string, unknown> {
  const status = statusOf(err);
  const body: Record<string, unknown> = {
    type: `/v1/docs#${err.code}`,
    title: describeCode(err.code).message,
    status,
    code: err.code,
    detail: err.message,
  };
  for (const k of PUBLIC_DETAIL) if (err.detail[k] !== undefined) body[k] = err.detail[k];
  return body;
}

/** Relayed agent errors carry the agent's status; our own codes take theirs from the table. */
export function statusOf(err: VdiskError): number {
  const s = err.detail.status;
  return typeof s === 'number' && s >= 400 && s <= 599 ? s : describeCode(err.code).http;
}

export function problemResponse(err: VdiskError, headers: Record<string, string> = {}): Response {
  const retry: Record<string, string> =
    typeof err.detail.retryAfter === 'number' ? { 'retry-after': String(err.detail.retryAfter) } : {};
  return new Response(JSON.stringify(problemBody(err)), {
    status: statusOf(err),
    headers: { 'content-type': PROBLEM_TYPE, ...retry, ...headers },
  });
}

/** Any thrown value as a VdiskError whose message is safe to show (unexpected errors say nothing more). */
export function toVdiskError(e: unknown): VdiskError {
  if (isVdiskError(e)) return e;
  if (e instanceof HTTPException) {
    if (e.status === 400 && /JSON/i.test(e.message)) return new VdiskError('E_GATEWAY_BAD_JSON');
    if (e.status === 413) return new VdiskError('E_GATEWAY_BODY_TOO_LARGE');
    if (e.status === 404) return new VdiskError('E_GATEWAY_NOT_FOUND');
    return new VdiskError('E_GATEWAY_BAD_REQUEST', e.message || undefined, { status: e.status });
  }
  return new VdiskError('E_GATEWAY_INTERNAL');
}

/** The app's onError: prepared answers (bearer-auth's, with WWW-Authenticate) pass, the rest become problems. */
export function answerError(e: unknown): Response {
  if (e instanceof HTTPException && e.res && e.res.headers.get('content-type') === PROBLEM_TYPE) return e.getResponse();
  return problemResponse(toVdiskError(e));
}

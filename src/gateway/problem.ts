// The gateway's problem+json answers (src/errors/problem.ts builds them): a relayed agent error keeps
// the agent's status; public detail keys `field`/`hint`/`agent`/`job`/`value`/`plan`.
import { HTTPException } from 'hono/http-exception';
import { describeCode } from '../errors/codes.js';
import { PROBLEM_TYPE, problemBody as sharedBody, problemResponse as sharedResponse } from '../errors/problem.js';
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';

export { PROBLEM_TYPE } from '../errors/problem.js';

/** Extra detail keys that may appear in an answer; anything else stays in the server log. */
const PUBLIC_DETAIL = ['field', 'hint', 'agent', 'job', 'value', 'plan'] as const;

export function problemBody(err: VdiskError): Record<string, unknown> {
  return sharedBody(err, { status: statusOf(err), publicKeys: PUBLIC_DETAIL });
}

/** Relayed agent errors carry the agent's status; our own codes take theirs from the table. */
export function statusOf(err: VdiskError): number {
  const s = err.detail.status;
  return typeof s === 'number' && s >= 400 && s <= 599 ? s : describeCode(err.code).http;
}

export function problemResponse(err: VdiskError, headers: Record<string, string> = {}): Response {
  return sharedResponse(err, { status: statusOf(err), publicKeys: PUBLIC_DETAIL, headers });
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

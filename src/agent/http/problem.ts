// RFC 9457 problem+json answers from VdiskError, with the status from the code table. Unexpected
// errors say nothing beyond E_AGENT_INTERNAL to the caller; the log has the rest.
import { describeCode } from '../../errors/codes.js';
import { isVdiskError, VdiskError } from '../../errors/vdisk-error.js';

export const PROBLEM_TYPE = 'application/problem+json';
/** `plan`: the fresh plan an E_PLAN_STALE answer carries. */
const PUBLIC_DETAIL = ['field', 'hint', 'job', 'value', 'path', 'vm', 'resource', 'plan'] as const;

export function toVdiskError(e: unknown): VdiskError {
  return isVdiskError(e) ? e : new VdiskError('E_AGENT_INTERNAL');
}

export function problemResponse(err: VdiskError): Response {
  const status = describeCode(err.code).http;
  const body: Record<string, unknown> = {
    type: `urn:vdisk:error:${err.code}`,
    title: describeCode(err.code).message,
    status,
    code: err.code,
    detail: err.message,
  };
  for (const k of PUBLIC_DETAIL) if (err.detail[k] !== undefined) body[k] = err.detail[k];
  const headers: Record<string, string> = { 'content-type': PROBLEM_TYPE };
  // 429 and 503 say when to come back (RFC 9110 §10.2.3).
  if (typeof err.detail.retryAfter === 'number') headers['retry-after'] = String(err.detail.retryAfter);
  return new Response(JSON.stringify(body), { status, headers });
}

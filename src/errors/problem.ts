// RFC 9457 problem+json answers from VdiskError, built the same way by agent, gateway and console
// server: `type` names the stable code in one URI scheme, `title` is the code's table text, `detail`
// the message a person can act on, plus only the detail keys a component lists as public (the rest
// stays in its log). 429 and 503 answers say when to come back (RFC 9110 §10.2.3).
import { describeCode } from './codes.js';
import type { VdiskError } from './vdisk-error.js';

export const PROBLEM_TYPE = 'application/problem+json';

/** The `type` of every problem answer: one scheme for every component. */
export const problemTypeUri = (code: string) => `urn:vdisk:error:${code}`;

export interface ProblemOptions {
  /** The HTTP status (default: the code table's). */
  status?: number;
  /** Detail keys that may appear in the answer. */
  publicKeys: readonly string[];
  headers?: Record<string, string>;
}

export function problemBody(err: VdiskError, o: ProblemOptions): Record<string, unknown> {
  const status = o.status ?? describeCode(err.code).http;
  const body: Record<string, unknown> = {
    type: problemTypeUri(err.code),
    title: describeCode(err.code).message,
    status,
    code: err.code,
    detail: err.message,
  };
  for (const k of o.publicKeys) if (err.detail[k] !== undefined) body[k] = err.detail[k];
  return body;
}

export function problemResponse(err: VdiskError, o: ProblemOptions): Response {
  const status = o.status ?? describeCode(err.code).http;
  const retry: Record<string, string> =
    typeof err.detail.retryAfter === 'number' ? { 'retry-after': String(err.detail.retryAfter) } : {};
  return new Response(JSON.stringify(problemBody(err, { ...o, status })), {
    status,
    headers: { 'content-type': PROBLEM_TYPE, ...retry, ...o.headers },
  });
}

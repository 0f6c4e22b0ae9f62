// The agent's problem+json answers (src/errors/problem.ts builds them), status from the code table. Unexpected
// errors say nothing beyond E_AGENT_INTERNAL to the caller; the log has the rest.
import { problemResponse as sharedResponse } from '../../errors/problem.js';
import { isVdiskError, VdiskError } from '../../errors/vdisk-error.js';

export { PROBLEM_TYPE } from '../../errors/problem.js';
/** `plan`: the fresh plan an E_PLAN_STALE answer carries. */
const PUBLIC_DETAIL = ['field', 'hint', 'job', 'value', 'path', 'vm', 'resource', 'plan'] as const;

export function toVdiskError(e: unknown): VdiskError {
  return isVdiskError(e) ? e : new VdiskError('E_AGENT_INTERNAL');
}

export function problemResponse(err: VdiskError): Response {
  return sharedResponse(err, { publicKeys: PUBLIC_DETAIL });
}

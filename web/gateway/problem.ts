// problem+json answers (RFC 9457, src/gateway/problem.ts) turned back into VdiskErrors with their
// codes. The fresh plan of E_PLAN_STALE rides along in the error's detail as `plan`.
import { VdiskError } from '../../src/errors/vdisk-error.js';

interface ProblemBody {
  code?: string;
  detail?: string;
  title?: string;
  hint?: string;
  field?: string;
  agent?: string;
  plan?: unknown;
}

export async function problem(res: Response): Promise<VdiskError> {
  const body = (await res.json().catch(() => ({}))) as ProblemBody;
  // Not problem+json with a code: whatever answered is not a gateway (a static server, a proxy).
  if (!body.code)
    return new VdiskError('E_GATEWAY_NOT_A_GATEWAY', `${res.url} answered HTTP ${res.status} without a vdisk error`, {
      status: res.status,
    });
  return new VdiskError(body.code, body.detail ?? body.title ?? `HTTP ${res.status}`, {
    status: res.status,
    ...(body.hint && { hint: body.hint }),
    ...(body.field && { field: body.field }),
    ...(body.agent && { agent: body.agent }),
    ...(body.plan !== undefined && { plan: body.plan }),
  });
}

/** A fetch that throws: a VdiskError for an answer that is not 2xx, E_GATEWAY_UNREACHABLE when nothing answers. */
export function problemFetch(base: string, onError?: (e: VdiskError) => void): typeof fetch {
  return async (input, init) => {
    let res: Response;
    try {
      res = await fetch(input, init);
    } catch (e) {
      if ((e as Error).name === 'AbortError') throw e;
      throw new VdiskError('E_GATEWAY_UNREACHABLE', `${base} did not answer: ${(e as Error).message}`, {
        hint: 'check the address and that `npm start` is still running',
      });
    }
    if (res.ok) return res;
    const err = await problem(res);
    onError?.(err);
    throw err;
  };
}

// Load shedding: at most `max` requests answered at once by this gateway copy. One more is refused at
// once with 503 E_GATEWAY_OVERLOADED and Retry-After: 1 (cheap: before authentication and the body),
// so a copy offered more than it can answer keeps answering in time and says so, instead of queueing
// every request until callers time out or reset. An event stream counts until its answer starts.
// Health, readiness and metrics are never shed (a load balancer must still see the copy).
import type { MiddlewareHandler } from 'hono';
import { VdiskError } from '../../errors/vdisk-error.js';
import { problemResponse } from '../problem.js';

const EXEMPT = ['/v1/health', '/v1/ready', '/metrics'];

export function shedLoad(max: number): MiddlewareHandler {
  let inFlight = 0;
  return async (c, next) => {
    if (inFlight >= max && !EXEMPT.includes(c.req.path))
      return problemResponse(
        new VdiskError('E_GATEWAY_OVERLOADED', `this copy is answering ${inFlight} requests`, { retryAfter: 1 }),
      );
    inFlight++;
    try {
      await next();
    } finally {
      inFlight--;
    }
  };
}

// The gateway's drain (src/ops/drain.ts): new requests get 503 E_GATEWAY_DRAINING while a copy stops;
// health, readiness and metrics still answer. On Node the CLI starts it on SIGTERM; workerd drains
// isolates itself.
import { VdiskError } from '../errors/vdisk-error.js';
import { Drain, drainGuard, RETRY_HINT_MS } from '../ops/drain.js';
import { problemResponse } from './problem.js';

export { Drain, RETRY_HINT_MS };

export const gatewayDrainGuard = (drain: Drain) =>
  drainGuard(drain, ['/v1/health', '/v1/ready', '/metrics'], () =>
    problemResponse(new VdiskError('E_GATEWAY_DRAINING')),
  );

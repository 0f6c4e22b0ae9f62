// What a failed zod check answers: 400 with a stable code and the offending field. A bad id in the
// path (e.g. `..%2F..%2Fetc`) gets E_GATEWAY_BAD_ID; a missing Idempotency-Key its own code.
import type { Hook } from '@hono/zod-openapi';
import { VdiskError } from '../../errors/vdisk-error.js';

export const validationHook: Hook<unknown, any, any, unknown> = (result) => {
  if (result.success) return;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  if (result.target === 'param') throw new VdiskError('E_GATEWAY_BAD_ID', `${field} is not a valid id`, { field });
  if (result.target === 'header' && field === 'idempotency-key') {
    throw new VdiskError(
      'E_GATEWAY_IDEMPOTENCY_KEY',
      issue.code === 'invalid_type'
        ? 'POST /v1/jobs needs an Idempotency-Key header'
        : 'Idempotency-Key must be 1 to 200 printable ASCII characters',
      { field: 'Idempotency-Key' },
    );
  }
  throw new VdiskError('E_GATEWAY_BAD_REQUEST', `${field || '(root)'}: ${issue.message}`, { field });
};

// Who is calling an agent: the gateway names the caller (its token's name) in `x-vdisk-caller` on
// every agent call. Agents scope idempotency keys by it, record who started each job and cap event
// streams per caller. A call without the header is the anonymous caller `-`.
import { VdiskError } from '../errors/vdisk-error.js';

export const CALLER_HEADER = 'x-vdisk-caller';
export const NO_CALLER = '-';
/** Token names: short, printable, no spaces (they go into logs and job status). */
export const CALLER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** The caller a header names; a malformed name is refused rather than guessed at. */
export function parseCaller(header: string | undefined): string {
  if (header === undefined || header === '') return NO_CALLER;
  if (!CALLER_NAME.test(header))
    throw new VdiskError('E_AGENT_BAD_CALLER', 'x-vdisk-caller must be letters, digits, . _ @ - (at most 64)', {
      field: CALLER_HEADER,
    });
  return header;
}

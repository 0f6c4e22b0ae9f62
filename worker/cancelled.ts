// E_CANCELLED as the console reports it: a cancelled call's partial output is removed and its worker
// replaced when it leaked, so nothing is left behind (the CLI's and the agent's cancels differ).
import { VdiskError, type ErrorDetail } from '../src/errors/vdisk-error.js';

export function cancelledError(message?: string, detail: ErrorDetail = {}): VdiskError {
  return new VdiskError('E_CANCELLED', message, {
    hint: 'nothing was left behind; start it again when ready',
    ...detail,
  });
}

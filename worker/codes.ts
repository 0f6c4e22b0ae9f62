// Codes the worker and console add to vdisk's table, with what a person should do about each. They
// travel as ordinary VdiskErrors; the hint rides in the error's detail.
import { VdiskError, type ErrorDetail } from '../src/errors/vdisk-error.js';

export const CONSOLE_CODES = {
  E_CANCELLED: { message: 'the operation was cancelled', hint: 'nothing was left behind; start it again when ready' },
  E_WORKER_CRASHED: {
    message: 'the engine worker stopped unexpectedly',
    hint: "reload the page; if it happens again, the image may be too large for this tab's memory",
  },
  E_WORKER_UNRESPONSIVE: {
    message: 'the engine worker did not stop in time and was restarted',
    hint: 'open the image again',
  },
  E_OPFS_UNAVAILABLE: {
    message: 'the origin private file system is not available',
    hint: 'use a current browser over https or http://127.0.0.1',
  },
  E_OPFS_BUSY: { message: 'the file is open elsewhere', hint: 'wait for the other operation or close the other tab' },
  E_NO_SPACE: { message: 'out of storage space', hint: 'delete images from the private file system' },
  E_TARGET_NOT_SEEKABLE: {
    message: 'a stream target can only be written in order',
    hint: 'convert into the private file system, then download',
  },
  E_GATEWAY_UNREACHABLE: {
    message: 'the gateway did not answer',
    hint: 'check the address and that `npm start` is still running',
  },
  E_GATEWAY_NOT_A_GATEWAY: {
    message: 'the address answered, but not as a vdisk gateway',
    hint: 'check the URL: use the address `npm start` printed, without a path',
  },
  E_GATEWAY_LOGIN: {
    message: 'the gateway refused the login token',
    hint: 'tokens are short-lived: use the URL `npm start` printed most recently',
  },
} as const;

export type ConsoleCode = keyof typeof CONSOLE_CODES;

export function consoleError(code: ConsoleCode, message?: string, detail: ErrorDetail = {}): VdiskError {
  const info = CONSOLE_CODES[code];
  return new VdiskError(code, message ?? info.message, { hint: info.hint, ...detail });
}

/** The hint for a code from either table (the shared one first). */
export function hintFor(code: string): string | undefined {
  return (CONSOLE_CODES as Record<string, { hint: string }>)[code]?.hint;
}

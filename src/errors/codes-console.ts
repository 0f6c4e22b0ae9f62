// Codes the browser side raises: the engine worker and its bridge (worker/), the console (web/) and
// the browser's storage targets (src/io's OPFS and download targets).
import type { CodeInfo } from './codes.js';

export const CONSOLE_CODES = {
  E_WORKER_CRASHED: {
    message: 'the engine worker stopped unexpectedly',
    hint: "reload the page; if it happens again, the image may be too large for this tab's memory",
    http: 500,
  },
  E_WORKER_UNRESPONSIVE: {
    message: 'the engine worker did not stop in time and was restarted',
    hint: 'open the image again',
    http: 503,
  },
  E_OPFS_UNAVAILABLE: {
    message: 'the origin private file system is not available',
    hint: 'use a current browser over https or http://127.0.0.1',
    http: 501,
  },
  E_OPFS_BUSY: {
    message: 'the file is open elsewhere',
    hint: 'wait for the other operation or close the other tab',
    http: 409,
  },
  E_TARGET_NOT_SEEKABLE: {
    message: 'a stream target can only be written in order',
    hint: 'convert into the private file system, then download',
    http: 400,
  },
  E_GATEWAY_NOT_A_GATEWAY: {
    message: 'the address answered, but not as a vdisk gateway',
    hint: 'check the URL: use the address `npm start` printed, without a path',
    http: 502,
  },
  E_GATEWAY_LOGIN: {
    message: 'the gateway refused the login token',
    hint: 'tokens are short-lived: use the URL `npm start` printed most recently',
    http: 401,
  },
} satisfies Record<string, CodeInfo>;

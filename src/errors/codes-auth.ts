// Codes for authentication and request-level refusals at the gateway and the agents.
import type { CodeInfo } from './codes.js';

export const AUTH_CODES = {
  E_AUTH_MISSING: {
    message: 'the request carries no credentials',
    hint: 'send a bearer token or a signature',
    http: 401,
  },
  E_AUTH_BAD_TOKEN: { message: 'the token is not valid', http: 401 },
  E_AUTH_SCOPE: { message: 'the token may not do this', hint: 'use a token with the write scope', http: 403 },
  E_AUTH_BAD_SIGNATURE: { message: 'the request signature does not match', http: 401 },
  E_AUTH_STALE: { message: 'the request timestamp is outside the replay window', hint: 'check the clocks', http: 401 },
  E_AUTH_SESSION_EXPIRED: {
    message: 'the console session has expired',
    hint: 'log in again: restart vdisk start for a fresh login link',
    http: 401,
  },
  E_AUTH_REPLAY: { message: 'the request nonce was already used', http: 401 },
  E_AUTH_WRONG_AGENT: {
    message: 'the request was signed for another agent',
    hint: "send it to the agent it names in X-Vdisk-Agent, or check the gateway's --agent names",
    http: 401,
  },
  E_SECRET_FILE_MODE: {
    message: 'a secret or token file is readable by group or others',
    hint: 'chmod 600 FILE (the message names it)',
    http: 500,
  },
  E_SECRET_FILE_UNREADABLE: { message: 'a secret or token file cannot be read', http: 500 },
  E_STATE_MODE: { message: 'a state directory or file is open to other users and cannot be tightened', http: 500 },
  E_STATE_SYMLINK: {
    message: 'a state file is a symbolic link: the agent writes its state only to real files, never through a link',
    hint: 'remove the link (the message names it)',
    http: 500,
  },
} satisfies Record<string, CodeInfo>;

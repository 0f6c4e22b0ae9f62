// Messages and hints for the QMP client's codes: the link to a running QEMU and the replies it gives.
import type { CodeInfo } from './codes.js';

const gateway = (message: string, hint?: string): CodeInfo => ({ message, hint, http: 502 });

export const QMP_CODES = {
  E_QMP_CONNECT: gateway(
    'cannot connect to the QMP socket',
    'check that QEMU runs with -qmp unix:PATH,server=on,wait=off',
  ),
  E_QMP_DISCONNECTED: gateway(
    'the QMP connection closed',
    'QEMU exited or closed the monitor; check whether the VM still runs',
  ),
  E_QMP_TIMEOUT: { message: 'QEMU did not answer in time', hint: 'QEMU may be stuck or overloaded', http: 504 },
  E_QMP_PROTOCOL: gateway('QEMU sent something that is not valid QMP'),
  E_QMP_COMMAND: { message: 'QEMU refused the command', http: 409 },
  E_QMP_JOB_FAILED: { message: 'a QEMU block job ended with an error', http: 409 },
  E_QMP_JOB_STATE: {
    message: 'a QEMU block job reached a state from which the awaited state cannot follow',
    hint: 'query-jobs shows what the job is doing now',
    http: 409,
  },
  E_QMP_JOB_MISSING: { message: 'QEMU has no job with this id', http: 404 },
} satisfies Record<string, CodeInfo>;

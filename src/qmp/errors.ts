// Constructors for the QMP client's errors: one VdiskError code per way the link to QEMU can fail,
// with the command and QEMU's own error class and description in the detail.
import { VdiskError, isVdiskError } from '../errors/vdisk-error.js';

export function protocolError(what: string, line?: string): VdiskError {
  return new VdiskError(
    'E_QMP_PROTOCOL',
    `QMP protocol error: ${what}`,
    line === undefined ? {} : { line: line.slice(0, 200) },
  );
}

export function disconnectedError(socketPath: string, command?: string): VdiskError {
  const during = command ? ` while waiting for ${command}` : '';
  return new VdiskError('E_QMP_DISCONNECTED', `the QMP connection to ${socketPath} closed${during}`, {
    path: socketPath,
    command,
  });
}

export function timeoutError(what: string, timeoutMs: number, socketPath: string): VdiskError {
  return new VdiskError('E_QMP_TIMEOUT', `QEMU did not answer ${what} within ${timeoutMs} ms`, {
    path: socketPath,
    command: what,
    timeoutMs,
  });
}

/** QEMU's error reply: `class` is GenericError, DeviceNotFound, ...; `desc` is its text. */
export function commandError(command: string, qmpClass: string, desc: string): VdiskError {
  return new VdiskError('E_QMP_COMMAND', `${command} failed: ${desc}`, { command, qmpClass, desc });
}

export interface QmpCommandErrorDetail {
  command: string;
  qmpClass: string;
  desc: string;
}

/** True when `e` is QEMU's refusal of a command (optionally of the given QEMU error class). */
export function isQmpCommandError(e: unknown, qmpClass?: string): e is VdiskError & { detail: QmpCommandErrorDetail } {
  return isVdiskError(e, 'E_QMP_COMMAND') && (qmpClass === undefined || e.detail.qmpClass === qmpClass);
}

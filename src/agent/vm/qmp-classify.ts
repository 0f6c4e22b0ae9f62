// QEMU's refusals sorted into what a plan step may tolerate: the node or job is already gone
// ("not-found"), or the job is past the verb ("wrong-state"). Texts from QEMU 7.2 (block.c,
// blockdev.c, job-qmp.c): Failed to find node, Job not found, Block job 'x' not found, Cannot find
// device, "in state 'x' cannot accept command verb".
import { isQmpCommandError } from '../../qmp/errors.js';

export type QmpErrorKind = 'not-found' | 'wrong-state' | 'generic';

const NOT_FOUND = [
  /Failed to find node/i,
  /Job not found/i,
  /Block job '.*' not found/i,
  /Cannot find device/i,
  /not found/i,
];
const WRONG_STATE = [/cannot accept command verb/i];

export function classifyQmpError(e: unknown): QmpErrorKind {
  if (!isQmpCommandError(e)) return 'generic';
  const { qmpClass, desc } = e.detail;
  if (qmpClass === 'DeviceNotFound' || qmpClass === 'DeviceNotActive' || NOT_FOUND.some((r) => r.test(desc)))
    return 'not-found';
  if (WRONG_STATE.some((r) => r.test(desc))) return 'wrong-state';
  return 'generic';
}

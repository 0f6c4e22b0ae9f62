// What an orphan register entry must look like before the agent looks at the file it names: the
// register is the agent's own state, but a hand-edited one is input like any other. An entry that is
// no object, has a field of the wrong type or length, names no job id, or a path outside the roots
// (never lstat'ed, so the register cannot probe the host) is left out with its code.
import { isVdiskError } from '../../errors/vdisk-error.js';
import type { Roots } from '../storage/roots.js';

const JOB = /^[A-Za-z0-9_-]{1,64}$/;
const NUMBER = /^[0-9]{1,30}$/;
const MAX_PATH = 4096;
const MAX_REASON = 4096;

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

/** The code that keeps `e` out of the register, or undefined for a well-formed entry inside the roots. */
export function entryFault(roots: Pick<Roots, 'resolve'>, e: unknown): string | undefined {
  if (e === null || typeof e !== 'object' || Array.isArray(e)) return 'E_AGENT_STATE_BAD';
  const o = e as Record<string, unknown>;
  const shaped =
    str(o.path, MAX_PATH) &&
    typeof o.job === 'string' &&
    JOB.test(o.job) &&
    typeof o.dev === 'string' &&
    NUMBER.test(o.dev) &&
    typeof o.ino === 'string' &&
    NUMBER.test(o.ino) &&
    (o.birth === undefined || (typeof o.birth === 'string' && NUMBER.test(o.birth))) &&
    typeof o.reason === 'string' &&
    o.reason.length <= MAX_REASON;
  if (!shaped) return 'E_AGENT_STATE_BAD';
  try {
    roots.resolve(o.path as string);
    return undefined;
  } catch (err) {
    return isVdiskError(err) ? String(err.code) : 'E_AGENT_STATE_BAD';
  }
}

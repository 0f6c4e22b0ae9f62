// File modes of the volumes a plan creates: `0` and three octal digits, never setuid, setgid or
// sticky, never writable by others. A mode the caller asks for that breaks the rule is refused; a
// mode a copy inherits from its source is masked instead (a world-writable source must not make its
// own copy impossible, and the copy need not repeat the mistake).
import { VdiskError } from '../errors/vdisk-error.js';

const SHAPE = /^0[0-7]{3}$/;
const WORLD_WRITE = 0o002;

/** True for `0[0-7]{3}` without world-write (the shape excludes setuid, setgid and sticky). */
export function isSafeMode(mode: string): boolean {
  return SHAPE.test(mode) && (parseInt(mode, 8) & WORLD_WRITE) === 0;
}

/** The mode a caller asked for, as `0NNN` (a three-digit mode gets its leading 0); E_PLAN_UNSAFE_MODE otherwise. */
export function requestedMode(mode: string): string {
  const full = mode.length === 3 ? `0${mode}` : mode;
  if (!isSafeMode(full)) {
    throw new VdiskError('E_PLAN_UNSAFE_MODE', `mode ${mode} is not allowed for a new volume`, {
      field: 'mode',
      value: mode,
    });
  }
  return full;
}

/** A source's mode for its copy: special bits and world-write dropped (masked, not refused: see above). */
export function inheritedMode(mode: string): string {
  return `0${(parseInt(mode, 8) & 0o777 & ~WORLD_WRITE).toString(8).padStart(3, '0')}`;
}

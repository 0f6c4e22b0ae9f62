// What an error may tell a caller: what went wrong, never where on the host. Messages vdisk built
// pass with their in-root paths; any other absolute path (a symlink's target, a state file, a path
// outside the roots a caller named) becomes a placeholder, raw errno text (`ENOENT: no such file or
// directory, open '/…'`) shrinks to its code, and an error vdisk did not build becomes its code and
// a generic message. Applied where errors cross to callers (problem+json, job status, reports,
// events); the agent's log keeps the detail.
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';
import type { StepError } from './jobs/journal.js';
import type { Roots } from './storage/roots.js';

export const HIDDEN_PATH = '(a path outside the storage roots)';
const ERRNO_TEXT = /\b(E[A-Z]{2,}): [^,\n]*, [a-z]+(?: '[^']*')?(?: -> '[^']*')?/g;
const ABSOLUTE_PATH = /(?<![\w.~-])\/[^\s'"`,;:()<>[\]{}]+/g;

const inRoots = (path: string, roots: Roots) => !path.split('/').includes('..') && roots.rootOf(path) !== undefined;

/** `text` with errno phrases reduced to their code and paths outside the roots hidden (API routes stay). */
export function publicText(text: string, roots: Roots): string {
  return text
    .replace(ERRNO_TEXT, '$1')
    .replace(ABSOLUTE_PATH, (p) => (p.startsWith('/v1/') || inRoots(p, roots) ? p : HIDDEN_PATH));
}

/** A step's or job's error as callers see it. */
export function publicStepError(e: unknown, roots: Roots): StepError {
  if (isVdiskError(e)) return { code: e.code, message: publicText(e.message, roots) };
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) {
    return { code, message: `a file operation failed on this host (${code}); the agent's log has the detail` };
  }
  return { code: 'E_PLAN_STEP_FAILED', message: "the step failed on this host; the agent's log has the detail" };
}

/** A refusal as callers see it: message and string details cleaned, a hidden `path` left out. */
export function publicError(err: VdiskError, roots: Roots): VdiskError {
  const detail: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err.detail)) {
    const clean = typeof v === 'string' ? publicText(v, roots) : v;
    if (k === 'path' && clean !== v) continue;
    detail[k] = clean;
  }
  return new VdiskError(err.code, publicText(err.message, roots), detail);
}

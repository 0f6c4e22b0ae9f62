// What the fuzz test accepts from one run on a damaged image: a normal answer, or a typed error
// (one stderr line, a known specific code, the verb's error exit code). Anything else is a problem.
import { CATCH_ALL_CODES, codesIn, KNOWN_CODES } from '../../fixtures/known-codes.js';
import type { JobResult } from '../../fixtures/fuzz-batch.js';

export type FuzzVerb = 'info' | 'map' | 'check' | 'compare';

/** Exit codes that mean "answered" (qemu-img's contract: check 2/3 damage found, 63 no checks for the format). */
const ANSWERED: Record<FuzzVerb, (number | string)[]> = { info: [0], map: [0], check: [0, 2, 3, 63], compare: [0, 1] };
/** Exit code of a refusal: qemu-img uses 2 for compare errors, 1 for the others. */
const REFUSED: Record<FuzzVerb, number> = { info: 1, map: 1, check: 1, compare: 2 };
/** E_USAGE on a well-formed command line means an unexpected exception was mapped to it. */
const NOT_SPECIFIC = new Set([...CATCH_ALL_CODES, 'E_USAGE']);

export function judge(verb: FuzzVerb, r: JobResult): string | undefined {
  if (r.status === 'threw') return `run() threw: ${r.err}`;
  if (/\n\s+at .*[:(]/.test(r.err)) return `stack trace on stderr: ${r.err}`;
  const lines = r.err.split('\n').filter((l) => l.trim() !== '');
  if (ANSWERED[verb].includes(r.status)) {
    if (verb === 'check' && r.status !== 63 && !isJson(r.out))
      return `check answered ${r.status} without a JSON report: ${r.out.slice(0, 200)}`;
    return undefined;
  }
  if (r.status !== REFUSED[verb])
    return `exit code ${r.status} (expected ${ANSWERED[verb].join('/')} or ${REFUSED[verb]}): ${r.err}`;
  if (lines.length !== 1) return `error is not one stderr line: ${r.err}`;
  const codes = codesIn(lines[0]!);
  if (codes.length === 0) return `error line has no code: ${lines[0]}`;
  const bad = codes.filter((c) => !KNOWN_CODES.has(c) || NOT_SPECIFIC.has(c));
  if (bad.length) return `unknown or catch-all code ${bad.join(', ')}: ${lines[0]}`;
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

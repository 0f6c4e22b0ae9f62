// What a damaged image may make the engine do: answer, or refuse with a VdiskError carrying a known,
// specific code. Anything else is a defect, named by kind so the report groups them.
import { CATCH_ALL_CODES, KNOWN_CODES } from '../fixtures/known-codes.js';
import { isVdiskError } from '../../src/errors/vdisk-error.js';

export type DefectKind = 'crash' | 'catch-all' | 'hang' | 'slow' | 'memory' | 'leak';

export interface Verdict {
  /** The refusal's code, when the case was refused with a specific one. */
  code?: string;
  defect?: { kind: DefectKind; message: string };
}

/**
 * Codes an image must never provoke: the catch-alls, and those that mean the host called the engine
 * wrongly (no such slot, a bad argument, a bad command line) — from a well-formed call they hide a bug.
 */
const NOT_FROM_AN_IMAGE = new Set([...CATCH_ALL_CODES, 'E_BAD_SLOT', 'E_BAD_ARGUMENT', 'E_USAGE']);

export function judgeError(e: unknown): Verdict {
  if (!isVdiskError(e)) {
    const what = e instanceof WebAssembly.RuntimeError ? 'Wasm trap' : e instanceof Error ? e.name : typeof e;
    return {
      defect: { kind: 'crash', message: `${what}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` },
    };
  }
  const code = String(e.code);
  if (!KNOWN_CODES.has(code) || NOT_FROM_AN_IMAGE.has(code)) {
    return { code, defect: { kind: 'catch-all', message: `${code}: ${e.message}` } };
  }
  return { code };
}

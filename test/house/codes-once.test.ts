// One code table (issue 15): every stable code the browser side raises (worker/, web/, src/io) is
// described in src/errors, with a hint a person can act on where the console shows it, so no part
// keeps a table of its own.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeCode, knownCodes } from '../../src/errors/codes.js';
import { CATCH_ALL_CODES } from '../fixtures/known-codes.js';

const root = new URL('../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(n) ? [p] : [];
  });
}

/** Codes a file raises: `new VdiskError('E_…'`. */
function raised(text: string): string[] {
  return [...text.matchAll(/new VdiskError\(\s*'(E_[A-Z0-9_]+)'/g)].map((m) => m[1]!);
}

describe('one code table', () => {
  const files = ['worker', 'web', 'src/io'].flatMap((d) => sources(join(root, d)));
  const codes = [...new Set(files.flatMap((f) => raised(readFileSync(f, 'utf8'))))];

  it('reads the real tree', () => {
    expect(codes).toEqual(expect.arrayContaining(['E_WORKER_CRASHED', 'E_OPFS_BUSY', 'E_GATEWAY_LOGIN']));
  });

  it('every code the worker, the console and the I/O layer raise is in src/errors', () => {
    expect(codes.filter((c) => !knownCodes().includes(c) && !CATCH_ALL_CODES.includes(c))).toEqual([]);
  });

  it('the console-only codes come with a hint', () => {
    for (const c of ['E_WORKER_CRASHED', 'E_WORKER_UNRESPONSIVE', 'E_OPFS_UNAVAILABLE', 'E_GATEWAY_NOT_A_GATEWAY'])
      expect(describeCode(c).hint, c).toBeTruthy();
  });
});

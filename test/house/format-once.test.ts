// Each qcow2 magic, extension id and 64-bit entry mask is defined once, in assembly/qcow2/format.ts
// (issue 15): none of their literals may reappear in TypeScript outside assembly/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

/** Literals that spell a format fact; format.ts names each one. */
const FORBIDDEN = [
  /0x514649fb/i, // QCOW2_MAGIC
  /0xe2792aca/i, // EXT_BACKING_FORMAT
  /0x6803f857/i, // EXT_FEATURE_TABLE
  /0x23852875/i, // EXT_BITMAPS
  /0x0537be77/i, // EXT_CRYPTO
  /0x44415441/i, // EXT_DATA_FILE
  /0x0*fffffffffffe00n?\b/i, // the L1/L2 offset mask
  /1n\s*<<\s*6[23]n/, // the copied and compressed bits of an entry
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs)$/.test(n) ? [relative(root, p)] : [];
  });
}

describe('the format is defined once', () => {
  const files = ['src', 'worker', 'web', 'test/helpers', 'test/engine/helpers'].flatMap((d) => sources(join(root, d)));

  it('reads the real tree', () => {
    expect(files).toEqual(expect.arrayContaining(['src/engine/qcow2/parse-header.ts', 'web/images/pick-top.ts']));
  });

  it('no format literal outside assembly/', () => {
    const hits = files.flatMap((f) =>
      readFileSync(join(root, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (FORBIDDEN.some((re) => re.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });

  it('the patterns catch what they name', () => {
    const caught = (s: string) => FORBIDDEN.some((re) => re.test(s));
    expect(['v & 0x00fffffffffffe00n', 'type === 0x23852875', '(1n << 62n)', 'magic 0x514649FB'].every(caught)).toBe(
      true,
    );
    expect(caught('EXT_BITMAPS')).toBe(false);
  });
});

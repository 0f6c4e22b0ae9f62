// The snapshot table entry and the bitmaps extension / directory entry are laid out once, in
// assembly/qcow2/{snapshot,bitmap}-format.ts (issue 15): each field drawn in the file's diagram has a
// constant named after it (qcow2.txt's name) at the drawn offset, and the code that reads or writes
// those structures, Wasm and TypeScript, spells no field offset as a bare number.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as BM from '../../assembly/qcow2/bitmap-format';
import * as SN from '../../assembly/qcow2/snapshot-format';

const root = new URL('../../', import.meta.url).pathname;
const read = (f: string) => readFileSync(join(root, f), 'utf8');

/** Fields drawn as `offset name uN` in the comment, grouped under the section lines that name a prefix. */
function drawn(file: string, sections: [RegExp, string][]): Map<string, { at: number; bytes: number }> {
  const out = new Map<string, { at: number; bytes: number }>();
  let prefix = '';
  for (const line of read(file).split('\n')) {
    if (!line.startsWith('//')) continue;
    prefix = sections.find(([re]) => re.test(line))?.[1] ?? prefix;
    for (const m of line.matchAll(/(\d+)\s+([a-z][a-z0-9_]*) u(8|16|32|64)\b/g)) {
      out.set(`${prefix}${m[2]!.toUpperCase()}`, { at: Number(m[1]), bytes: Number(m[3]) / 8 });
    }
  }
  return out;
}

/** First-argument offsets of DataView accessors and the be64 helpers, and typed-array indexes. */
function bareOffsets(src: string): string[] {
  const args = [
    ...src.matchAll(/\.(?:get|set)(?:Big)?(?:Uint|Int|Float)(?:8|16|32|64)\(([^,)]*)/g),
    ...src.matchAll(/\b(?:getU64|getU64Low|setU64)\(\s*\w+\s*,([^,)]*)/g),
    ...src.matchAll(/\w\[([^\]]*)\]/g),
  ].map((m) => m[1]!.trim());
  return args.filter((a) => /^[1-9]\d*$/.test(a) || /\+\s*\d+$/.test(a) || /^\d+\s*\+/.test(a));
}

/** Wasm loads at a pointer plus a bare number: `be32(p + 8)`, `load<u8>(p + 16)`. */
function bareLoads(src: string): string[] {
  return [...src.matchAll(/\b(?:be16|be32|be64|load<u\d+>)\(\s*\w+\s*\+\s*\d+\s*\)/g)].map((m) => m[0]);
}

const SPEC = {
  SN_: 'l1_table_offset l1_size id_str_size name_size date_sec date_nsec vm_clock_nsec vm_state_size extra_data_size',
  SNX_: 'vm_state_size_large disk_size icount',
  BMX_: 'nb_bitmaps reserved bitmap_directory_size bitmap_directory_offset',
  BMD_: 'bitmap_table_offset bitmap_table_size flags type granularity_bits name_size extra_data_size',
};
const expected = Object.entries(SPEC).flatMap(([p, names]) => names.split(' ').map((n) => p + n.toUpperCase()));

const fields = new Map([
  ...drawn('assembly/qcow2/snapshot-format.ts', [
    [/Entry \(/, 'SN_'],
    [/Extra data \(/, 'SNX_'],
  ]),
  ...drawn('assembly/qcow2/bitmap-format.ts', [
    [/Bitmaps extension data/, 'BMX_'],
    [/Directory entry/, 'BMD_'],
  ]),
]);
const consts: Record<string, unknown> = { ...SN, ...BM };

const TS_USERS = [
  'src/engine/repair/repair-snapshots.ts',
  'src/engine/repair/repair-snapcount.ts',
  'src/engine/repair/repair-overlap.ts',
  'src/engine/qcow2/bitmap-read.ts',
  'src/engine/qcow2/bitmap-write.ts',
];
const WASM_USERS = [
  'assembly/qcow2/snapshots.ts',
  'assembly/qcow2/bitmaps.ts',
  'assembly/qcow2/check/snapshots.ts',
  'assembly/qcow2/check/bitmaps.ts',
];

describe('snapshot and bitmap fields are defined once', () => {
  it('the diagrams draw every field qcow2.txt names, and each has its constant at the drawn offset', () => {
    expect([...fields.keys()].sort()).toEqual([...expected].sort());
    for (const [name, f] of fields) expect([name, consts[name]]).toEqual([name, f.at]);
  });

  it('the header sizes are where the drawn fields end', () => {
    const end = (p: string) => Math.max(...[...fields].filter(([n]) => n.startsWith(p)).map(([, f]) => f.at + f.bytes));
    expect([SN.SN_HEADER_BYTES, SN.SNX_KNOWN_BYTES, BM.BMX_BYTES, BM.BMD_HEADER_BYTES]).toEqual([
      end('SN_'),
      end('SNX_'),
      end('BMX_'),
      end('BMD_'),
    ]);
  });

  it('the TypeScript readers and writers import the fields and spell no bare offset', () => {
    for (const f of TS_USERS) {
      const src = read(f);
      expect([f, /from '(?:\.\.\/)+assembly\/qcow2\/(?:snapshot|bitmap)-format'/.test(src)]).toEqual([f, true]);
      expect([f, bareOffsets(src)]).toEqual([f, []]);
    }
  });

  it('the Wasm readers load no field at a bare offset', () => {
    for (const f of WASM_USERS) {
      const src = read(f);
      expect([f, /from '(?:\.\.?\/)+(?:qcow2\/)?(?:snapshot|bitmap)-format'/.test(src)]).toEqual([f, true]);
      expect([f, bareLoads(src)]).toEqual([f, []]);
    }
  });

  it('the patterns catch what they name', () => {
    expect(bareOffsets('dv.getUint32(at + 20); ov.setUint16(12, n); x = dir[at + 16]; getU64(dv, 8)')).toEqual([
      'at + 20',
      '12',
      '8',
      'at + 16',
    ]);
    expect(bareOffsets('dv.getUint32(0); dv.getUint32(at + BMD_FLAGS); t[j * 8]; setU64(v, SNX_ICOUNT, 1)')).toEqual(
      [],
    );
    expect(bareLoads('be32(p + 36); load<u8>(p + 17); be64(p + SN.SN_L1_SIZE)')).toEqual([
      'be32(p + 36)',
      'load<u8>(p + 17)',
    ]);
  });
});

// The 32 combinations of {COPY, SHALLOW, REUSE_EXT, COPY_RAW, RELATIVE}: each row of the table is
// planned for real and must give the plan shape or the refusal the table states.
import { describe, expect, test } from 'vitest';
import { BLOCK_COPY_FLAG_TABLE, FLAG_BITS, flagsToNumber } from '../../src/plan/block-copy-flags.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { world } from './fixtures.js';
import { plan, refused, sim } from './helpers.js';

const names = (f: number) =>
  Object.entries(FLAG_BITS)
    .filter(([, b]) => f & b)
    .map(([n]) => n)
    .join('|') || 'none';

/** A running VM with a qcow2 chain on vda and a raw disk on vdc, plus targets to reuse. */
function rawAndChain() {
  const w = world({ preCreated: true });
  w.vms![0]!.disks.push({
    target: 'vdc',
    volume: 'data',
    nodes: [{ volume: 'data', node: 'n-data', fileNode: 'f-data' }],
  });
  return w;
}

function request(flags: number, disk: 'vda' | 'vdc') {
  const reuse = (flags & FLAG_BITS.reuseExt) !== 0;
  const shallow = (flags & FLAG_BITS.shallow) !== 0;
  const target = reuse
    ? { path: shallow ? '/pool2/pre.qcow2' : '/pool2/empty.qcow2', format: 'qcow2' }
    : { pool: 'p2', name: 'copy.img' };
  return { kind: 'block-copy', vm: 'vm1', disks: [{ disk, flags, ...target }] };
}

const mirrorOf = (p: Plan) => p.steps.find((s) => s.action === 'qmp-mirror')!;

describe('block copy flag table (seed 001)', () => {
  test('the table has one row for each of the 32 flag sets', () => {
    expect(BLOCK_COPY_FLAG_TABLE.map((r) => r.flags).sort((a, b) => a - b)).toEqual([...Array(32).keys()]);
  });

  test('only COPY-based rows without RELATIVE are plans, six of them as the seed lists (one refused: raw reuse shallow)', () => {
    const valid = BLOCK_COPY_FLAG_TABLE.filter((r) => 'shape' in r).map((r) => names(r.flags));
    expect(valid.sort()).toEqual(
      ['copy', 'copyRaw|copy', 'reuseExt|copy', 'shallow|copy', 'shallow|copyRaw|copy', 'shallow|reuseExt|copy'].sort(),
    );
  });

  test('named flags and numbers agree', () => {
    expect(flagsToNumber({ copy: true, shallow: true, reuseExt: false, copyRaw: false, relative: false })).toBe(9);
    expect(flagsToNumber(31)).toBe(31);
  });

  for (const row of BLOCK_COPY_FLAG_TABLE) {
    test(`flags ${row.flags} (${names(row.flags)}) → ${'error' in row ? row.error : `sync ${row.shape.sync}, ${row.shape.target}`}`, async () => {
      const w = rawAndChain();
      if ('error' in row) {
        refused(() => plan(request(row.flags, 'vda'), w), row.error);
        return;
      }
      const { shape } = row;
      const disk = shape.needsRawSource ? 'vdc' : 'vda';
      if (shape.needsRawSource)
        refused(() => plan(request(row.flags, 'vda'), w), 'E_PLAN_SHALLOW_RAW_NEEDS_RAW_SOURCE');
      const p = plan(request(row.flags, disk), w);
      expect(mirrorOf(p).params).toMatchObject({ sync: shape.sync });
      const created = p.steps.find((s) => s.action === 'qmp-create-image');
      const checked = p.steps.find((s) => s.action === 'check-target');
      if (shape.target === 'create') {
        expect(checked).toBeUndefined();
        const want = shape.format === 'raw' || disk === 'vdc' ? 'raw' : 'qcow2';
        expect(created?.action === 'qmp-create-image' && created.params.format).toBe(want);
      } else {
        expect(created).toBeUndefined();
        expect(checked?.action === 'check-target' && checked.params.expect).toBe(shape.check);
      }
      const r = await sim(p, w);
      expect(r.problems).toEqual([]);
      expect(r.report.outcome).toBe('done');
    });
  }
});

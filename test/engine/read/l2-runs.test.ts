// The engine's L2 scan (assembly/qcow2/l2-scan.ts), SIMD and scalar builds, against a plain
// entry-by-entry reading of the same tables: fixed layouts, tables of every density from a fixed
// xorshift stream, entries of 8 and 16 bytes, counts that are not a multiple of a 64-byte block, a
// table at an odd byte offset, and one with more alternations than the scan's run buffer holds.
import { describe, expect, it } from 'vitest';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import { L2Scanner, type L2Run } from '../../../src/engine/read/l2-runs.js';

function reference(table: Uint8Array, entryBytes: number, entries: number): L2Run[] {
  const out: L2Run[] = [];
  for (let j = 0; j < entries; j++) {
    const used = table.subarray(j * entryBytes, (j + 1) * entryBytes).some((b) => b !== 0);
    const last = out[out.length - 1];
    if (last && last[2] === used) last[1]++;
    else out.push([j, 1, used]);
  }
  return out;
}

/** A table whose entries are used with probability `density`, each used one with one non-zero byte. */
function table(entryBytes: number, entries: number, density: number, seed: number): Uint8Array {
  const t = new Uint8Array(entries * entryBytes);
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
  for (let j = 0; j < entries; j++)
    if (next() < density) t[j * entryBytes + Math.floor(next() * entryBytes)] = 1 + Math.floor(next() * 255);
  return t;
}

const mark = (entryBytes: number, entries: number, used: number[]) => {
  const t = new Uint8Array(entries * entryBytes);
  for (const j of used) t[j * entryBytes + entryBytes - 1] = 1; // the last byte: a subcluster bit with extended L2
  return t;
};

describe.each(['simd', 'scalar'] as const)('L2 scan, %s engine', (flavor) => {
  it('splits fixed tables into runs of used and all-zero entries', async () => {
    const s = new L2Scanner(await createNodeEngine({ flavor }), 64 * 1024);
    expect(s.runs(mark(8, 64, [0, 1, 5, 63]), 8, 64)).toEqual([
      [0, 2, true],
      [2, 3, false],
      [5, 1, true],
      [6, 57, false],
      [63, 1, true],
    ]);
    expect(s.runs(mark(16, 64, [3]), 16, 64)).toEqual([
      [0, 3, false],
      [3, 1, true],
      [4, 60, false],
    ]);
    expect(s.runs(mark(8, 64, []), 8, 10)).toEqual([[0, 10, false]]); // only the entries inside the image
    expect(
      s.runs(
        mark(
          8,
          64,
          Array.from({ length: 64 }, (_, i) => i),
        ),
        8,
        64,
      ),
    ).toEqual([[0, 64, true]]);
    const odd = new Uint8Array(1 + 64 * 8);
    odd.set(mark(8, 64, [2]), 1);
    expect(s.runs(odd.subarray(1), 8, 64)).toEqual([
      [0, 2, false],
      [2, 1, true],
      [3, 61, false],
    ]);
    s.free();
  });

  it('agrees with an entry-by-entry reading at every density and size', async () => {
    const s = new L2Scanner(await createNodeEngine({ flavor }), 2 << 20);
    let seed = 20261207;
    for (const entryBytes of [8, 16]) {
      for (const density of [0, 0.001, 0.05, 0.5, 0.95, 1]) {
        for (const entries of [1, 7, 8, 9, 63, 1000, 8192]) {
          const t = table(entryBytes, entries, density, seed++);
          expect(s.runs(t, entryBytes, entries)).toEqual(reference(t, entryBytes, entries));
        }
      }
    }
    s.free();
  });

  it('continues past a full run buffer (2 MiB table, every entry alternating)', async () => {
    const s = new L2Scanner(await createNodeEngine({ flavor }), 2 << 20);
    const entries = (2 << 20) / 8;
    const t = mark(
      8,
      entries,
      Array.from({ length: entries / 2 }, (_, i) => 2 * i + 1),
    );
    const runs = s.runs(t, 8, entries);
    expect(runs.length).toBe(entries);
    expect(runs).toEqual(reference(t, 8, entries));
    s.free();
  });
});

// The chaos suite's only source of choices: a seeded PRNG (mulberry32), so a printed seed replays
// the same requests, readers and kill points. `VDISK_CHAOS_SEED` sets it; tests use a fixed default.
export interface Rng {
  next(): number;
  int(lo: number, hi: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r: Rng = {
    next,
    /** An integer in [lo, hi]. */
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (list) => list[Math.floor(next() * list.length)]!,
    chance: (p) => next() < p,
  };
  return r;
}

/** The seed from VDISK_CHAOS_SEED, else the default (fixed, so `npm test` never passes or fails by chance). */
export function chaosSeed(fallback: number): number {
  const v = process.env.VDISK_CHAOS_SEED;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`VDISK_CHAOS_SEED must be a non-negative integer, not ${v}`);
  return n;
}

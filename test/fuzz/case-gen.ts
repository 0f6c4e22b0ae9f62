// Case `index` of a run with seed `seed`: its own generator seeded from both, so any case replays
// alone (`VDISK_FUZZ_SEED=… index …`) without generating the ones before it.
import { type Mutation, mutate, undo } from '../fixtures/fuzz-mutate.js';
import { Rng } from '../fixtures/fuzz-rng.js';
import type { BaseImage } from './bases.js';

export interface FuzzCase {
  index: number;
  base: BaseImage;
  bytes: Uint8Array;
  mutations: Mutation[];
  /** Per-case choices beyond the bytes (which operations, which options). */
  rng: Rng;
}

/** A 32-bit mix of seed and index (murmur3's finaliser), so neighbouring cases share nothing. */
export function caseSeed(seed: number, index: number): number {
  let h = (seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const asBuffer = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * The case's image. With `scratch` (one copy of each base, by name) the mutations are made in place
 * and `release()` puts the bytes back, so a case costs no copy of the image.
 */
export function makeCase(
  seed: number,
  index: number,
  bases: BaseImage[],
  scratch?: Map<string, Buffer>,
): FuzzCase & { release(): void } {
  const rng = new Rng(caseSeed(seed, index));
  const base = rng.pick(bases);
  const original = asBuffer(base.bytes);
  const into = scratch?.get(base.name);
  const { bytes, mutations } = mutate(original, base.targets, rng, into);
  return {
    index,
    base,
    bytes,
    mutations,
    rng,
    release: () => {
      if (into) undo(into, original, mutations);
    },
  };
}

/** One working copy per base for makeCase. */
export function scratchCopies(bases: BaseImage[]): Map<string, Buffer> {
  return new Map(bases.map((b) => [b.name, Buffer.from(b.bytes)]));
}

export function describeMutations(c: FuzzCase): string {
  return c.mutations.map((m) => `${m.region} @0x${m.offset.toString(16)} ${m.kind} ${m.before}→${m.after}`).join('; ');
}

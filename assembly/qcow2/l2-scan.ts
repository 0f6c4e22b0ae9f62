// The L2 scan: splits an L2 table the host put in linear memory into runs of used entries and of
// entries that are zero in every bit (with extended L2, the subcluster bitmap too): an unallocated
// cluster of that layer (qcow2.txt "Cluster mapping": no offset, no flags). The map picture counts
// the zero runs as unallocated at once and asks the chain walk only about the used ones. A sparse
// multi-TiB image is mostly zero entries, so the scan runs 64 bytes (8 or 4 entries) per step while
// a run lasts: v128 ORs and lane compares in the SIMD build, u64 ORs in the scalar one.
//
// Output in L2RUNS: u32 end entry indexes (relative to the call) of alternating runs; the first run
// is used when l2FirstUsed is 1. A call stops when the buffer is full: l2Scanned entries are covered,
// and the host calls again from there.
export const MAX_L2RUNS: i32 = 4096;
export const L2RUNS = memory.data(MAX_L2RUNS * 4, 16);
export let nL2Runs: i32 = 0;
export let l2FirstUsed: i32 = 0;
export let l2Scanned: u32 = 0;

@inline function entryUsed(p: usize, entryBytes: u32): bool {
  return entryBytes == 16 ? (load<u64>(p) | load<u64>(p, 8)) != 0 : load<u64>(p) != 0;
}

/** True when the 64 bytes at p are all zero: every entry in them unallocated. */
@inline function zero64(p: usize): bool {
  if (ASC_FEATURE_SIMD) {
    return !v128.any_true(v128.or(v128.or(v128.load(p), v128.load(p, 16)), v128.or(v128.load(p, 32), v128.load(p, 48))));
  }
  return (load<u64>(p) | load<u64>(p, 8) | load<u64>(p, 16) | load<u64>(p, 24) | load<u64>(p, 32) | load<u64>(p, 40) | load<u64>(p, 48) | load<u64>(p, 56)) == 0;
}

/** True when every entry in the 64 bytes at p is used. */
@inline function used64(p: usize, entryBytes: u32): bool {
  if (ASC_FEATURE_SIMD) {
    if (entryBytes == 8) {
      const z = i64x2.splat(0);
      const m = v128.or(v128.or(i64x2.eq(v128.load(p), z), i64x2.eq(v128.load(p, 16), z)), v128.or(i64x2.eq(v128.load(p, 32), z), i64x2.eq(v128.load(p, 48), z)));
      return !v128.any_true(m);
    }
    return v128.any_true(v128.load(p)) && v128.any_true(v128.load(p, 16)) && v128.any_true(v128.load(p, 32)) && v128.any_true(v128.load(p, 48));
  }
  for (let q: usize = 0; q < 64; q += entryBytes) if (!entryUsed(p + q, entryBytes)) return false;
  return true;
}

/** Scans `entries` entries of `entryBytes` (8 or 16) at p; returns the runs written (0 for bad arguments). */
export function l2Scan(p: usize, entryBytes: u32, entries: u32): i32 {
  nL2Runs = 0;
  l2Scanned = 0;
  if (entries == 0 || (entryBytes != 8 && entryBytes != 16)) return 0;
  const block: u32 = 64 / entryBytes;
  let used = entryUsed(p, entryBytes);
  l2FirstUsed = used ? 1 : 0;
  let j: u32 = 0;
  while (j < entries) {
    // A whole aligned block of the run's kind goes in one step (most of a sparse table).
    if ((j & (block - 1)) == 0 && j + block <= entries) {
      const q = p + <usize>j * entryBytes;
      if (used ? used64(q, entryBytes) : zero64(q)) { j += block; continue; }
    }
    const u = entryUsed(p + <usize>j * entryBytes, entryBytes);
    if (u != used) {
      store<u32>(L2RUNS + (<usize>nL2Runs << 2), j);
      nL2Runs++;
      used = u;
      if (nL2Runs == MAX_L2RUNS) { l2Scanned = j; return nL2Runs; }
    }
    j++;
  }
  store<u32>(L2RUNS + (<usize>nL2Runs << 2), entries);
  nL2Runs++;
  l2Scanned = entries;
  return nL2Runs;
}

// The zero scan: splits a buffer into runs of zero and non-zero blocks of `gran` bytes (qemu-img's
// -S granularity), so a copy writes only blocks holding data. SIMD build: 64 bytes per step with
// v128 ORs; scalar build: u64 ORs. Both compile from this file (ASC_FEATURE_SIMD picks the kernel).
//
// Output in ZRUNS: u32 end offsets (relative to the buffer) of alternating runs; the first run is
// zero when zeroFirst is 1. A run boundary always falls on a block boundary.
export const MAX_ZRUNS: i32 = 8192;
export const ZRUNS = memory.data(MAX_ZRUNS * 4, 16);
export let nZeroRuns: i32 = 0;
export let zeroFirst: i32 = 0;

/** True when [p, p+n) holds only zero bytes. */
export function allZero(p: usize, n: usize): bool {
  const end = p + n;
  if (ASC_FEATURE_SIMD) {
    while (p + 64 <= end) {
      const v = v128.or(v128.or(v128.load(p), v128.load(p, 16)), v128.or(v128.load(p, 32), v128.load(p, 48)));
      if (v128.any_true(v)) return false;
      p += 64;
    }
  } else {
    while (p + 32 <= end) {
      if ((load<u64>(p) | load<u64>(p, 8) | load<u64>(p, 16) | load<u64>(p, 24)) != 0) return false;
      p += 32;
    }
  }
  while (p < end) {
    if (load<u8>(p) != 0) return false;
    p++;
  }
  return true;
}

/**
 * Scans [p, p+len) in blocks of `gran` bytes, the first block `first` bytes long (0: a whole block) so
 * blocks stay aligned to guest offsets; returns the number of runs (or -1 when too many).
 */
export function zeroScan(p: usize, len: u32, gran: u32, first: u32): i32 {
  nZeroRuns = 0;
  if (len == 0) return 0;
  if (gran == 0) gran = len;
  let at: u32 = 0;
  let kind: i32 = -1;
  while (at < len) {
    const n = min<u32>(at == 0 && first != 0 ? first : gran, len - at);
    const z: i32 = allZero(p + at, n) ? 1 : 0;
    if (kind < 0) { zeroFirst = z; kind = z; }
    else if (z != kind) {
      if (nZeroRuns >= MAX_ZRUNS - 1) return -1;
      store<u32>(ZRUNS + (<usize>nZeroRuns << 2), at);
      nZeroRuns++;
      kind = z;
    }
    at += n;
  }
  store<u32>(ZRUNS + (<usize>nZeroRuns << 2), len);
  nZeroRuns++;
  return nZeroRuns;
}

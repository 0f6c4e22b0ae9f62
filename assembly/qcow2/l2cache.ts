// A set-associative cache of L2 table slices (4 KiB pieces of L2 tables, as QEMU's l2-cache uses
// slices), so memory stays bounded whatever the image size. A miss queues a read into the victim's
// page and returns 0; the slice becomes valid when the host reports the I/O done.
import { allocPages } from '../mem/pages';
import { OP_READ, pushRequest, requestsFull } from '../io/requests';
import { fileId } from '../layer';

export const SLICE: u64 = 4096;
const WAYS: u32 = 8;
const ST_EMPTY: u8 = 0;
const ST_PENDING: u8 = 1;
const ST_VALID: u8 = 2;

let nSets: u32 = 0;
let pages: usize = 0;   // nSets * WAYS slices of SLICE bytes
let keySlot: usize = 0; // i32 per entry
let keyOff: usize = 0;  // u64 per entry
let state: usize = 0;   // u8 per entry
let stamp: usize = 0;   // u32 per entry, LRU clock
let clock: u32 = 0;

/** Sets up the cache with room for `slices` slices (rounded to a power-of-two number of sets). */
export function l2CacheInit(slices: u32): bool {
  let sets: u32 = 1;
  while (sets * WAYS < slices) sets <<= 1;
  const n = <u64>sets * WAYS;
  pages = allocPages(n * SLICE);
  keySlot = allocPages(n * 4);
  keyOff = allocPages(n * 8);
  state = allocPages(n);
  stamp = allocPages(n * 4);
  if (pages == 0 || keySlot == 0 || keyOff == 0 || state == 0 || stamp == 0) return false;
  memory.fill(state, 0, <usize>n);
  nSets = sets;
  return true;
}

@inline function st(i: u32): u8 { return load<u8>(state + i); }

/** Call after the host performed every queued request: pending slices become valid. */
export function l2CacheIoDone(ok: bool): void {
  const n = nSets * WAYS;
  for (let i: u32 = 0; i < n; i++) {
    if (st(i) == ST_PENDING) store<u8>(state + i, ok ? ST_VALID : ST_EMPTY);
  }
}

/** Forgets every slice of a layer (on close, or after the layer's metadata was rewritten). */
export function l2CacheDrop(slot: i32): void {
  const n = nSets * WAYS;
  for (let i: u32 = 0; i < n; i++) {
    if (load<i32>(keySlot + (<usize>i << 2)) == slot) store<u8>(state + i, ST_EMPTY);
  }
}

/**
 * The slice of `slot`'s file at `off` (SLICE-aligned, `bytes` long): its address when cached, 0 when
 * a read was queued (or must wait for queued reads), so the caller returns NEED_IO.
 */
export function l2Slice(slot: i32, off: u64, bytes: u32): usize {
  const h = <u32>((off >> 12) * 0x9e3779b1 + <u64>slot * 0x85ebca6b);
  const base = (h & (nSets - 1)) * WAYS;
  let victim: i32 = -1;
  let oldest: u32 = 0xffffffff;
  for (let w: u32 = 0; w < WAYS; w++) {
    const i = base + w;
    const s = st(i);
    if (s != ST_EMPTY && load<i32>(keySlot + (<usize>i << 2)) == slot && load<u64>(keyOff + (<usize>i << 3)) == off) {
      if (s == ST_PENDING) return 0;
      store<u32>(stamp + (<usize>i << 2), ++clock);
      return pages + <usize>i * <usize>SLICE;
    }
    if (s == ST_PENDING) continue;
    const t: u32 = s == ST_EMPTY ? 0 : load<u32>(stamp + (<usize>i << 2));
    if (t < oldest) { oldest = t; victim = <i32>i; }
  }
  if (victim < 0 || requestsFull()) return 0;
  const v = <u32>victim;
  store<i32>(keySlot + (<usize>v << 2), slot);
  store<u64>(keyOff + (<usize>v << 3), off);
  store<u8>(state + v, ST_PENDING);
  store<u32>(stamp + (<usize>v << 2), ++clock);
  const dst = pages + <usize>v * <usize>SLICE;
  pushRequest(OP_READ, fileId(slot, false), off, bytes, dst, 0);
  return 0;
}

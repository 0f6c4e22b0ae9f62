// A 4 KiB-page allocator over linear memory above everything the runtime placed. The engine never
// allocates through the runtime after start-up: tables, caches and I/O buffers all come from here,
// 4 KiB-aligned so reads land on aligned addresses. Memory grows only inside an engine call, never
// while the host has reads in flight (the host services I/O between calls).
export const PAGE: u32 = 4096;
const MAX_FREE = 512;
const FREE_START = memory.data(MAX_FREE * 4, 16); // page index of each free run
const FREE_COUNT = memory.data(MAX_FREE * 4, 16); // pages in each free run
let nFree: i32 = 0;
let firstPage: u32 = 0;
let endPage: u32 = 0; // first page past the managed area
let limitPages: u32 = 65536 * 16; // 4 GiB of 4 KiB pages
// While the host has reads in flight into linear memory (a copy's pipeline), memory must not grow:
// growing may move the buffer under them. Pinned, an allocation that would grow fails instead, and
// `refusedPinned` tells the host why (E_ENGINE_BUSY, not E_NO_MEMORY).
let growthPins: i32 = 0;
let refusedPinned: bool = false;

@inline function fs(i: i32): u32 { return load<u32>(FREE_START + (<usize>i << 2)); }
@inline function fc(i: i32): u32 { return load<u32>(FREE_COUNT + (<usize>i << 2)); }
@inline function setRun(i: i32, s: u32, c: u32): void {
  store<u32>(FREE_START + (<usize>i << 2), s);
  store<u32>(FREE_COUNT + (<usize>i << 2), c);
}

function start(): void {
  if (firstPage != 0) return;
  firstPage = <u32>memory.size() << 4; // 64 KiB Wasm pages → 4 KiB pages
  endPage = firstPage;
}

/** Pins (+1) or unpins (-1) the memory size; returns the pins now held. */
export function pinGrowth(delta: i32): i32 {
  growthPins = max(0, growthPins + delta);
  return growthPins;
}

/** Whether the last failed allocation failed because memory was pinned; clears the flag. */
export function takeRefusedPinned(): bool {
  const r = refusedPinned;
  refusedPinned = false;
  return r;
}

/** Caps managed memory (bytes); allocations past it fail instead of growing. */
export function setMemoryLimit(bytes: u64): void { limitPages = <u32>(bytes >> 12); }

/** Returns a 4 KiB-aligned region of `bytes`, or 0 when memory is exhausted. */
export function allocPages(bytes: u64): usize {
  start();
  if (bytes == 0) bytes = 1;
  const want = <u32>((bytes + PAGE - 1) >> 12);
  for (let i = 0; i < nFree; i++) {
    const c = fc(i);
    if (c < want) continue;
    const s = fs(i);
    if (c == want) removeRun(i); else setRun(i, s + want, c - want);
    return <usize>s << 12;
  }
  if (endPage - firstPage + want > limitPages) return 0;
  const needWasm = (endPage + want + 15) >> 4;
  const have = <u32>memory.size();
  if (needWasm > have) {
    if (growthPins > 0) { refusedPinned = true; return 0; }
    if (memory.grow(<i32>(needWasm - have)) < 0) return 0;
  }
  const p = endPage;
  endPage += want;
  return <usize>p << 12;
}

/** Returns a region to the pool; adjacent free runs are merged. */
export function freePages(ptr: usize, bytes: u64): void {
  if (ptr == 0) return;
  let s = <u32>(ptr >> 12);
  let c = <u32>((bytes + PAGE - 1) >> 12);
  if (c == 0) c = 1;
  for (let i = 0; i < nFree; i++) {
    if (fs(i) + fc(i) == s) { s = fs(i); c += fc(i); removeRun(i); i = -1; continue; }
    if (s + c == fs(i)) { c += fc(i); removeRun(i); i = -1; continue; }
  }
  if (s + c == endPage) { endPage = s; return; }
  if (nFree < MAX_FREE) { setRun(nFree, s, c); nFree++; }
  // A full free list leaks the run rather than corrupting state; 512 runs is far beyond normal use.
}

function removeRun(i: i32): void {
  nFree--;
  if (i != nFree) setRun(i, fs(nFree), fc(nFree));
}

export function managedBytes(): u64 { return (<u64>(endPage - firstPage)) << 12; }

// The I/O request queue: how the engine asks its host for bytes without doing I/O itself.
// An engine call that needs data queues requests and returns NEED_IO; the host performs every
// request (in parallel if it likes), then calls again. Each request is 32 bytes, little-endian:
//
//   0      4      8              16     20     24     28     32
//   +------+------+--------------+------+------+------+------+
//   | op   | file | offset (f64) | len  | dst  | out  | aux  |
//   +------+------+--------------+------+------+------+------+
//
// file = slot * 2 + (1 if the layer's external data file). dst is a 4 KiB-aligned address in
// linear memory for plain reads. Bytes past the end of the file read as zeros (as in QEMU).
export const OP_READ: u32 = 1;         // read len bytes at offset into dst
export const OP_READ_DEFLATE: u32 = 2; // read len bytes, inflate a whole cluster, copy out bytes from aux to dst
export const OP_READ_ZSTD: u32 = 3;    // read len bytes, zstd-decode them into out bytes at dst

export const MAX_REQUESTS: i32 = 256;
export const REQ_SIZE: usize = 32;
export const REQUESTS = memory.data(<i32>(MAX_REQUESTS * 32), 16);
export let nRequests: i32 = 0;

export function resetRequests(): void { nRequests = 0; }
export function requestsFull(): bool { return nRequests >= MAX_REQUESTS; }

export function pushRequest(op: u32, file: u32, offset: u64, len: u32, dst: usize, out: u32, aux: u32 = 0): void {
  const p = REQUESTS + <usize>nRequests * REQ_SIZE;
  store<u32>(p, op);
  store<u32>(p, file, 4);
  store<f64>(p, <f64>offset, 8);
  store<u32>(p, len, 16);
  store<u32>(p, <u32>dst, 20);
  store<u32>(p, out, 24);
  store<u32>(p, aux, 28);
  nRequests++;
}

/** True when a request for the same destination is already queued (one miss, one read). */
export function requestQueued(dst: usize): bool {
  for (let i = 0; i < nRequests; i++) {
    if (load<u32>(REQUESTS + <usize>i * REQ_SIZE, 20) == <u32>dst) return true;
  }
  return false;
}

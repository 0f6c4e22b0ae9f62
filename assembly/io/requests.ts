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
// The numbers (opcodes, size, field offsets) are defined once in request-record.ts.
import * as R from './request-record';

export const OP_READ: u32 = <u32>R.OP_READ;
export const OP_READ_DEFLATE: u32 = <u32>R.OP_READ_DEFLATE;
export const OP_READ_ZSTD: u32 = <u32>R.OP_READ_ZSTD;

export const MAX_REQUESTS: i32 = <i32>R.MAX_REQUESTS;
export const REQ_SIZE: usize = <usize>R.REQ_SIZE;
export const REQUESTS = memory.data(<i32>(MAX_REQUESTS * R.REQ_SIZE), 16);
export let nRequests: i32 = 0;

export function resetRequests(): void { nRequests = 0; }
export function requestsFull(): bool { return nRequests >= MAX_REQUESTS; }

export function pushRequest(op: u32, file: u32, offset: u64, len: u32, dst: usize, out: u32, aux: u32 = 0): void {
  const p = REQUESTS + <usize>nRequests * REQ_SIZE;
  store<u32>(p, op, R.REQ_OP);
  store<u32>(p, file, R.REQ_FILE);
  store<f64>(p, <f64>offset, R.REQ_OFFSET);
  store<u32>(p, len, R.REQ_LEN);
  store<u32>(p, <u32>dst, R.REQ_DST);
  store<u32>(p, out, R.REQ_OUT);
  store<u32>(p, aux, R.REQ_AUX);
  nRequests++;
}

/** True when a request for the same destination is already queued (one miss, one read). */
export function requestQueued(dst: usize): bool {
  for (let i = 0; i < nRequests; i++) {
    if (load<u32>(REQUESTS + <usize>i * REQ_SIZE, R.REQ_DST) == <u32>dst) return true;
  }
  return false;
}

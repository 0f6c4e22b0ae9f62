// Block status through a backing chain, as QEMU's qemu-img map walks it (qemu-img.c
// get_block_status): at each offset, descend from the top until a layer allocates the run; a layer
// with no backing, or an offset past the backing's end, reads as zeros at that depth.
// Output: run records (run-record.ts) in RUNS, adjacent identical runs merged.
import * as S from '../status';
import * as R from '../runs';
import { fail } from '../errors';
import * as F from '../fields';
import { layerAt, validSlot, MAX_LAYERS } from '../layer';
import { layerRunAt } from './run-at';
import * as RR from '../run-record';

export const MAX_RUNS: i32 = <i32>RR.MAX_RUNS;
export const RUN_BYTES: usize = <usize>RR.RUN_BYTES;
export const RUNS = memory.data(<i32>(<usize>MAX_RUNS * RUN_BYTES), 16);
export let nRuns: i32 = 0;

function emit(start: u64, len: u64, flags: u32, host: u64, depth: u32, slot: i32): void {
  if (nRuns > 0) {
    const q = RUNS + <usize>(nRuns - 1) * RUN_BYTES;
    const qs = <u64>load<f64>(q, RR.RR_START);
    const ql = <u64>load<f64>(q, RR.RR_LENGTH);
    const contiguousHost = (flags & R.RUN_OFFSET) == 0 || <u64>load<f64>(q, RR.RR_HOST) + ql == host;
    if (qs + ql == start && load<u32>(q, RR.RR_FLAGS) == flags && load<u32>(q, RR.RR_DEPTH) == depth &&
        load<i32>(q, RR.RR_SLOT) == slot && contiguousHost) {
      store<f64>(q, <f64>(ql + len), RR.RR_LENGTH);
      return;
    }
  }
  const p = RUNS + <usize>nRuns * RUN_BYTES;
  store<f64>(p, <f64>start, RR.RR_START);
  store<f64>(p, <f64>len, RR.RR_LENGTH);
  store<f64>(p, <f64>host, RR.RR_HOST);
  store<u32>(p, flags, RR.RR_FLAGS);
  store<u32>(p, depth, RR.RR_DEPTH);
  store<i32>(p, slot, RR.RR_SLOT);
  nRuns++;
}

/** Resolves the run at `pos` through the chain from `top`. Sets R.run*, resolvedDepth/Slot. */
export let resolvedDepth: u32 = 0;
export let resolvedSlot: i32 = -1;
export function resolveAt(top: i32, pos: u64, maxLen: u64): i32 {
  let s = top;
  let want = maxLen;
  for (let d: u32 = 0; ; d++) {
    if (d >= <u32>MAX_LAYERS || !validSlot(s)) return fail(S.E_BACKING_LOOP, top, F.F_IMAGE, pos, d);
    const l = layerAt(s);
    const rc = layerRunAt(s, l, pos, want);
    if (rc != S.OK) return rc;
    resolvedDepth = d;
    resolvedSlot = s;
    if ((R.runFlags & (R.RUN_DATA | R.RUN_ZERO)) != 0) return S.OK;
    const b = l.backing;
    if (b < 0 || pos >= layerAt(b).size) {
      // QEMU keeps an offset the layer reported (extended L2 unallocated subclusters).
      R.setRun(R.runLen, R.RUN_ZERO | (R.runFlags & (R.RUN_OFFSET | R.RUN_DATAFILE)), R.runHost);
      return S.OK;
    }
    want = min<u64>(R.runLen, layerAt(b).size - pos);
    s = b;
  }
  return S.OK; // unreachable: the loop returns
}

/** Fills RUNS for [pos, pos+len) of the chain from `top`; NEED_IO only when no run was found yet. */
export function chainStatus(top: i32, pos: u64, len: u64): i32 {
  nRuns = 0;
  if (!validSlot(top)) return S.E_BAD_SLOT;
  const size = layerAt(top).size;
  if (pos > size) return fail(S.E_RANGE, top, F.F_IMAGE, pos, size);
  const end = len > size - pos ? size : pos + len;
  let at = pos;
  while (at < end && nRuns < MAX_RUNS - 1) {
    const rc = resolveAt(top, at, end - at);
    if (rc == S.NEED_IO) return nRuns > 0 ? S.OK : S.NEED_IO;
    if (rc != S.OK) return rc;
    emit(at, R.runLen, R.runFlags, R.runHost, resolvedDepth, resolvedSlot);
    at += R.runLen;
  }
  return S.OK;
}

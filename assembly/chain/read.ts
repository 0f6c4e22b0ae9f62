// Guest reads through a chain: plans requests that land the bytes at `dst` in linear memory and
// fills zero runs itself. Planning stops early when metadata must be read or the request queue is
// full; `readPlanned` says how many bytes from `pos` are fully planned. The host services the queued
// requests, then continues from pos + readPlanned.
import * as S from '../status';
import * as R from '../runs';
import { layerAt, validSlot, fileId, clusterSize } from '../layer';
import { OP_READ, OP_READ_DEFLATE, OP_READ_ZSTD, pushRequest, nRequests, MAX_REQUESTS } from '../io/requests';
import { resolveAt, resolvedSlot } from './status';
import { compressedAt, compOffset, compSize } from '../qcow2/compressed';
import { fail } from '../errors';
import * as F from '../fields';

export let readPlanned: u64 = 0;
const MAX_READ: u64 = 1 << 30; // one request's length must fit u32

export function readGuest(top: i32, pos: u64, len: u64, dst: usize): i32 {
  readPlanned = 0;
  if (!validSlot(top)) return S.E_BAD_SLOT;
  const size = layerAt(top).size;
  if (pos > size || len > size - pos) return fail(S.E_RANGE, top, F.F_IMAGE, pos, len);
  let at = pos;
  const end = pos + len;
  while (at < end) {
    if (nRequests >= MAX_REQUESTS - 1) return S.NEED_IO;
    const rc = resolveAt(top, at, min<u64>(end - at, MAX_READ));
    if (rc != S.OK) return rc;
    const flags = R.runFlags;
    const out = dst + <usize>(at - pos);
    if ((flags & R.RUN_DATA) == 0) {
      memory.fill(out, 0, <usize>R.runLen);
    } else if ((flags & R.RUN_COMPRESSED) != 0) {
      const step = planCompressed(resolvedSlot, at, min<u64>(R.runLen, end - at), out);
      if (step == 0) return S.NEED_IO;
      if (step < 0) return <i32>-step;
      at += <u64>step;
      readPlanned = at - pos;
      continue;
    } else {
      const file = fileId(resolvedSlot, (flags & R.RUN_DATAFILE) != 0);
      pushRequest(OP_READ, file, R.runHost, <u32>R.runLen, out, 0);
    }
    at += R.runLen;
    readPlanned = at - pos;
  }
  return S.OK;
}

/** Plans one compressed cluster (or the part of it in range). Returns bytes planned, 0 on NEED_IO. */
function planCompressed(slot: i32, at: u64, maxLen: u64, out: usize): i64 {
  const l = layerAt(slot);
  const rc = compressedAt(slot, l, at);
  if (rc == S.NEED_IO) return 0;
  if (rc != S.OK) return -<i64>rc;
  const cs = clusterSize(l);
  const skip = at & (cs - 1);
  const n = min<u64>(cs - skip, maxLen);
  const op = l.compressionType == 1 ? OP_READ_ZSTD : OP_READ_DEFLATE;
  pushRequest(op, fileId(slot, false), compOffset, <u32>compSize, out, <u32>n, <u32>skip);
  return <i64>n;
}

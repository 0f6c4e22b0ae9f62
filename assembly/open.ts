// Opening a layer, as a re-entrant state machine: each call advances one phase and returns NEED_IO
// when it queued reads (the host performs them and calls again), OK when the layer is ready.
//   phase 0 → read the first page → 1 → probe, fixed header → read the header area → 2
//   → extensions, backing name → read the L1 table → 3 → check L1 entries → 4 ready
import * as S from './status';
import * as F from './fields';
import { fail } from './errors';
import { allocPages, freePages, PAGE } from './mem/pages';
import { OP_READ, pushRequest } from './io/requests';
import { Layer, layerAt, validSlot, freeSlot, clearLayer, fileId, FMT_RAW, FMT_QCOW2, NAME_BYTES } from './layer';
import { probe, PROBE_QCOW2, PROBE_UNKNOWN } from './probe';
import { parseFixedHeader, headerAreaEnd } from './qcow2/header';
import { parseExtensions } from './qcow2/extensions';
import { loadL1, checkL1 } from './qcow2/l1';

export const HINT_PROBE: u32 = 0;
export const HINT_RAW: u32 = 1;
export const HINT_QCOW2: u32 = 2;
export const PHASE_READY: u32 = 4;

/** Reserves a slot for an image file of `fileSize` bytes; returns the slot or -E_TOO_MANY_LAYERS. */
export function layerCreate(fileSize: u64, hint: u32): i32 {
  const slot = freeSlot();
  if (slot < 0) return -S.E_TOO_MANY_LAYERS;
  clearLayer(slot);
  const l = layerAt(slot);
  const names = allocPages(<u64>NAME_BYTES * 3);
  if (names == 0) return -S.E_NO_MEMORY;
  l.used = 1;
  l.names = names;
  l.fileSize = fileSize;
  l.format = hint == HINT_RAW ? FMT_RAW : hint == HINT_QCOW2 ? FMT_QCOW2 : 0;
  return slot;
}

export function layerOpen(slot: i32): i32 {
  if (!validSlot(slot)) return S.E_BAD_SLOT;
  const l = layerAt(slot);
  if (l.phase == 0) {
    if (l.format == FMT_RAW) return openRaw(l);
    return readHeader(slot, l, l.fileSize < <u64>PAGE ? l.fileSize : <u64>PAGE, 1);
  }
  if (l.phase == 1) {
    const kind = probe(l.bufPtr, l.bufLen < l.fileSize ? l.bufLen : l.fileSize);
    if (l.format == 0 && kind != PROBE_QCOW2) {
      if (kind != PROBE_UNKNOWN) return done(slot, l, fail(S.E_FORMAT_UNSUPPORTED, slot, F.F_MAGIC, 0, kind));
      dropBuffer(l);
      return openRaw(l);
    }
    l.format = FMT_QCOW2;
    const have = l.fileSize < l.bufLen ? l.fileSize : l.bufLen;
    const rc = parseFixedHeader(slot, l, l.bufPtr, have);
    if (rc != S.OK) return done(slot, l, rc);
    const need = headerAreaEnd(l, have);
    if (need > l.bufLen) { dropBuffer(l); return readHeader(slot, l, need, 2); }
    l.phase = 2;
  }
  if (l.phase == 2) {
    const rc = parseExtensions(slot, l, l.bufPtr);
    dropBuffer(l);
    if (rc != S.OK) return done(slot, l, rc);
    l.phase = 3;
    const io = loadL1(slot, l);
    if (io != S.OK) return io; // NEED_IO, or an error
  }
  if (l.phase == 3) {
    const rc = checkL1(slot, l);
    if (rc != S.OK) return rc;
    l.phase = PHASE_READY;
  }
  return S.OK;
}

function openRaw(l: Layer): i32 {
  l.format = FMT_RAW;
  l.size = (l.fileSize + 511) & ~(<u64>511); // QEMU counts raw images in whole sectors
  l.phase = PHASE_READY;
  return S.OK;
}

function readHeader(slot: i32, l: Layer, bytes: u64, next: u32): i32 {
  const buf = allocPages(bytes);
  if (buf == 0) return fail(S.E_NO_MEMORY, slot, F.F_HEADER, 0, bytes);
  memory.fill(buf, 0, <usize>bytes);
  l.bufPtr = buf;
  l.bufLen = bytes;
  l.phase = next;
  const readLen = bytes < l.fileSize ? bytes : l.fileSize;
  if (readLen == 0) return layerOpen(slot);
  pushRequest(OP_READ, fileId(slot, false), 0, <u32>readLen, buf, 0);
  return S.NEED_IO;
}

function dropBuffer(l: Layer): void {
  freePages(l.bufPtr, l.bufLen);
  l.bufPtr = 0;
  l.bufLen = 0;
}

function done(slot: i32, l: Layer, rc: i32): i32 {
  dropBuffer(l);
  return rc;
}

/** Frees everything the layer holds. The host closes its file separately. */
export function layerClose(slot: i32): void {
  if (!validSlot(slot)) return;
  const l = layerAt(slot);
  dropBuffer(l);
  if (l.l1Ptr != 0) freePages(l.l1Ptr, <u64>l.l1Size * 8);
  freePages(l.names, <u64>NAME_BYTES * 3);
  clearLayer(slot);
}

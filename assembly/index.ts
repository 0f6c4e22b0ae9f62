// The engine's exports: numbers in, numbers out; data lives in linear memory. Every call that may
// need file bytes returns NEED_IO after queueing requests (io/requests.ts); the host performs them,
// calls ioDone(1) and repeats the call.
import * as S from './status';
import { allocPages, freePages, setMemoryLimit, managedBytes, pinGrowth, takeRefusedPinned } from './mem/pages';
import { REQUESTS, nRequests, resetRequests } from './io/requests';
import { l2CacheInit, l2CacheIoDone, l2CacheDrop } from './qcow2/l2cache';
import * as E from './errors';
import { layerAt, validSlot, FMT_QCOW2 } from './layer';
import { layerCreate as create, layerOpen as open, layerClose as close } from './open';
import { RUNS, nRuns, chainStatus as status } from './chain/status';
import { readGuest as read, readPlanned as planned } from './chain/read';
export { layerGet } from './layer-get';

let ready = false;

export function init(l2Slices: u32, memoryLimit: f64): i32 {
  if (ready) return S.OK;
  setMemoryLimit(<u64>memoryLimit);
  if (!l2CacheInit(l2Slices)) return S.E_NO_MEMORY;
  ready = true;
  return S.OK;
}

export function alloc(bytes: f64): usize { return allocPages(<u64>bytes); }
export function free(ptr: usize, bytes: f64): void { freePages(ptr, <u64>bytes); }
export function memoryInUse(): f64 { return <f64>managedBytes(); }
export function memoryPin(delta: i32): i32 { return pinGrowth(delta); }
export function memoryRefusedPinned(): i32 { return takeRefusedPinned() ? 1 : 0; }

export function requestsPtr(): usize { return REQUESTS; }
export function requestCount(): i32 { return nRequests; }
/** The host performed (ok=1) or failed (ok=0) every queued request. */
export function ioDone(ok: i32): void {
  l2CacheIoDone(ok != 0);
  resetRequests();
}

export function errorField(): u32 { return E.errField; }
export function errorOffset(): f64 { return <f64>E.errOffset; }
export function errorValue(): f64 { return <f64>E.errValue; }
export function errorSlot(): i32 { return E.errSlot; }

export function layerCreate(fileSize: f64, hint: u32): i32 { return create(<u64>fileSize, hint); }
export function layerOpen(slot: i32): i32 { E.clearError(); return open(slot); }
export function layerClose(slot: i32): void { l2CacheDrop(slot); close(slot); }

/** Links `slot` to its backing layer, chosen by the host's gate; -1 unlinks. */
export function layerSetBacking(slot: i32, backing: i32): i32 {
  if (!validSlot(slot) || (backing >= 0 && !validSlot(backing))) return S.E_BAD_SLOT;
  layerAt(slot).backing = backing;
  return S.OK;
}

/** Attaches the external data file (qcow2 incompatible bit 2) the host opened for `slot`. */
export function layerSetDataFile(slot: i32, size: f64): i32 {
  if (!validSlot(slot) || layerAt(slot).format != FMT_QCOW2) return S.E_BAD_SLOT;
  layerAt(slot).hasDataFile = 1;
  layerAt(slot).dataFileSize = <u64>size;
  return S.OK;
}

export function layerSetMetaPrealloc(slot: i32, on: i32): void {
  if (validSlot(slot)) layerAt(slot).metaPrealloc = on != 0 ? 1 : 0;
}

export function runsPtr(): usize { return RUNS; }
export function runCount(): i32 { return nRuns; }
export function chainStatus(top: i32, pos: f64, len: f64): i32 { E.clearError(); return status(top, <u64>pos, <u64>len); }

export function readGuest(top: i32, pos: f64, len: f64, dst: usize): i32 { E.clearError(); return read(top, <u64>pos, <u64>len, dst); }
export function readPlannedBytes(): f64 { return <f64>planned; }
export * from './api/listing';
export * from './api/check';
export * from './api/write';
export * from './api/l2-scan';

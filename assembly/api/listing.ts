// Snapshot table and bitmap directory listing (see qcow2/snapshots.ts, qcow2/bitmaps.ts).
// Each load call is re-entrant (NEED_IO until done); the records stay until the matching free call.
import * as E from '../errors';
import { snapshotsLoad as loadSnaps, snapshotsFree as freeSnaps, snapRecords, snapCount } from '../qcow2/snapshots';
import { bitmapsLoad as loadBitmaps, bitmapsFree as freeBitmaps, bitmapRecords, bitmapCount } from '../qcow2/bitmaps';

export function snapshotsLoad(slot: i32): i32 { E.clearError(); return loadSnaps(slot); }
export function snapshotsPtr(): usize { return snapRecords(); }
export function snapshotsCount(): i32 { return snapCount(); }
export function snapshotsFree(): void { freeSnaps(); }

export function bitmapsLoad(slot: i32): i32 { E.clearError(); return loadBitmaps(slot); }
export function bitmapsPtr(): usize { return bitmapRecords(); }
export function bitmapsCount(): i32 { return bitmapCount(); }
export function bitmapsFree(): void { freeBitmaps(); }

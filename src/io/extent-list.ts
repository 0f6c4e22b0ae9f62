// Helpers for lists of extents: append with merging, clip a whole-medium list to a range, and check
// lists that come from outside (tests, HTTP servers) before anything trusts them.
import type { Extent } from './source.js';
import { VdiskError } from '../errors/vdisk-error.js';

/** An extent that also says whether a run reads as zeros (ovirt-imageio's `zero`). */
export interface ZeroAwareExtent extends Extent {
  zero?: boolean;
}

const sameKind = (a: ZeroAwareExtent, b: ZeroAwareExtent) => a.data === b.data && a.zero === b.zero;

/** Append a run, merging it into the previous one when contiguous and of the same kind. */
export function pushExtent(out: ZeroAwareExtent[], run: ZeroAwareExtent): void {
  if (run.length <= 0) return;
  const last = out[out.length - 1];
  if (last && last.start + last.length === run.start && sameKind(last, run)) last.length += run.length;
  else out.push({ ...run });
}

/**
 * The part of a sorted, non-overlapping list inside [offset, end). Gaps inside the list count as data:
 * a medium that says nothing about a range must be read.
 */
export function clipExtents(list: readonly ZeroAwareExtent[], offset: number, end: number): ZeroAwareExtent[] {
  const out: ZeroAwareExtent[] = [];
  let pos = offset;
  for (const e of list) {
    const eEnd = e.start + e.length;
    if (eEnd <= pos) continue;
    if (e.start >= end) break;
    if (e.start > pos) pushExtent(out, { start: pos, length: e.start - pos, data: true });
    const from = Math.max(pos, e.start);
    const to = Math.min(end, eEnd);
    pushExtent(out, { ...e, start: from, length: to - from });
    pos = to;
  }
  if (pos < end) pushExtent(out, { start: pos, length: end - pos, data: true });
  return out;
}

/** Reject lists that are unsorted, overlapping or hold non-integer numbers. */
export function checkExtentList(list: readonly ZeroAwareExtent[], name: string, code = 'E_BAD_ARGUMENT'): void {
  let prevEnd = 0;
  list.forEach((e, i) => {
    const ok = Number.isSafeInteger(e.start) && Number.isSafeInteger(e.length) && e.start >= 0 && e.length >= 0;
    if (!ok || e.start < prevEnd || typeof e.data !== 'boolean') {
      throw new VdiskError(code, `extent ${i} is malformed, unsorted or overlaps the one before`, {
        path: name,
        field: `extents[${i}]`,
      });
    }
    prevEnd = e.start + e.length;
  });
}

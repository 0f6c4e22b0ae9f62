// qemu-img map's entries from block-status runs, merged exactly as qemu-img.c entry_mergeable does:
// same zero, data, present, depth and file, and contiguous offsets.
import { RUN, type Run } from './block-status.js';

export interface MapEntry {
  start: number;
  length: number;
  depth: number;
  present: boolean;
  zero: boolean;
  data: boolean;
  offset?: number;
}

interface Acc extends MapEntry {
  file: string;
}

function entryOf(r: Run): Acc {
  const hasOffset = (r.flags & RUN.OFFSET) !== 0;
  const e: Acc = {
    start: r.start,
    length: r.length,
    depth: r.depth,
    present: (r.flags & RUN.ALLOCATED) !== 0,
    zero: (r.flags & RUN.ZERO) !== 0,
    data: (r.flags & RUN.DATA) !== 0,
    file: hasOffset ? `${r.slot}:${r.flags & RUN.DATAFILE ? 1 : 0}` : '',
  };
  if (hasOffset) e.offset = r.host;
  return e;
}

function mergeable(a: Acc, b: Acc): boolean {
  if (a.length === 0) return false;
  if (a.zero !== b.zero || a.data !== b.data || a.present !== b.present || a.depth !== b.depth || a.file !== b.file)
    return false;
  if ((a.offset === undefined) !== (b.offset === undefined)) return false;
  return a.offset === undefined || a.offset + a.length === b.offset;
}

/** Map entries from batches of runs, a batch of entries per batch of runs (the last one held back to merge). */
export async function* qemuMap(batches: AsyncIterable<Run[]>): AsyncGenerator<MapEntry[]> {
  let cur: Acc | undefined;
  for await (const runs of batches) {
    const out: MapEntry[] = [];
    for (const r of runs) {
      const next = entryOf(r);
      if (cur && mergeable(cur, next)) {
        cur.length += next.length;
        continue;
      }
      if (cur) out.push(strip(cur));
      cur = next;
    }
    if (out.length) yield out;
  }
  // qemu-img map prints its empty accumulator for a zero-length image.
  yield [cur ? strip(cur) : { start: 0, length: 0, depth: 0, present: false, zero: false, data: false }];
}

function strip({ file: _file, ...e }: Acc): MapEntry {
  return e;
}

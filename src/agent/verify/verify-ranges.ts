// Where two images' guest views may differ, from their block status alone: the ranges either side
// has data in, and the ranges one side allocates that the other does not. Walked in windows, so a
// map of a huge fragmented image never sits in memory whole, and holes are never read.
import { chainRunBatches, RUN, type Run } from '../../engine/read/block-status.js';
import type { Chain } from '../../engine/read/chain.js';
import type { Engine } from '../../engine/core/engine.js';

/** Guest bytes per window: the runs of one window are held at once, no more. */
const WINDOW = 1 << 30;

export type Span = [start: number, end: number];

/** Which runs count: guest data (reads non-zero possibly), or anything the top layer itself allocates. */
export type RunTest = (r: Run) => boolean;

/** Data a guest read may return: not a hole, not a zero run (through the whole chain). */
export const hasData: RunTest = (r) => (r.flags & RUN.DATA) !== 0 && (r.flags & RUN.ZERO) === 0;

/** Allocated by the top layer itself (data or zero cluster): what a top-only copy must carry. */
export const topAllocated: RunTest = (r) => r.depth === 0 && (r.flags & RUN.ALLOCATED) !== 0;

async function spansOf(e: Engine, chain: Chain, start: number, end: number, test: RunTest): Promise<Span[]> {
  const out: Span[] = [];
  if (start >= Math.min(end, chain.size)) return out;
  for await (const batch of chainRunBatches(e, chain, start, Math.min(end, chain.size) - start)) {
    for (const r of batch) {
      if (!test(r)) continue;
      const last = out.at(-1);
      if (last && last[1] === r.start) last[1] = r.start + r.length;
      else out.push([r.start, r.start + r.length]);
    }
  }
  return out;
}

/** Sorted, merged union of two span lists. */
export function union(a: Span[], b: Span[]): Span[] {
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: Span[] = [];
  for (const s of all) {
    const last = out.at(-1);
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

/** The parts of `a` not covered by `b` (both sorted and merged). */
export function minus(a: Span[], b: Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const [s, e] of a) {
    let at = s;
    while (j < b.length && b[j]![1] <= at) j++;
    for (let k = j; k < b.length && b[k]![0] < e; k++) {
      if (b[k]![0] > at) out.push([at, b[k]![0]]);
      at = Math.max(at, b[k]![1]);
    }
    if (at < e) out.push([at, e]);
  }
  return out;
}

/**
 * Window by window over [0, size): `pick(spansA, spansB)` chooses what to look at, and `visit` sees
 * each chosen span in order.
 */
export async function walkSpans(
  e: Engine,
  a: Chain,
  b: Chain,
  size: number,
  tests: [RunTest, RunTest],
  pick: (sa: Span[], sb: Span[]) => Span[],
  visit: (s: Span) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  for (let w = 0; w < size; w += WINDOW) {
    signal?.throwIfAborted();
    const end = Math.min(size, w + WINDOW);
    const sa = await spansOf(e, a, w, end, tests[0]);
    const sb = await spansOf(e, b, w, end, tests[1]);
    for (const s of pick(sa, sb)) await visit(s);
  }
}

// -n onto a target larger than the copy: the copy range [0, end) may end inside a target cluster.
// qemu-img writes sectors, and the qcow2 driver completes a partly written cluster from what the
// target read there before (copy-on-write through the driver: an allocated cluster keeps its bytes,
// a compressed one is inflated, a zero cluster gives zeros, an unallocated one its backing file or
// zeros). Here the target's bytes of that cluster are read once, before anything is written, and
// the copy's part is laid over them; the cluster is written whole at the end:
//
//   target clusters   |    k-1    |     k     |    k+1    |
//   copy range        [..........copy....]                     end inside cluster k
//   cluster k         [ from the copy    | the target's old bytes ]
import type { Engine } from '../core/engine.js';
import { openChain } from '../read/chain.js';
import type { BackingGate } from '../read/gate.js';
import { engineBuffer, readGuest } from '../read/reader.js';
import type { ImageTarget } from '../../io/target.js';
import type { ImageSource } from '../../io/source.js';
import type { Sink } from './sink.js';

export interface TailRead {
  gate?: BackingGate;
  probeBacking?: boolean;
  warn?: (m: string) => void;
}

/** The target's guest bytes [at, at+len) through its own backing chain (read before any edit). */
export async function readTargetRange(
  engine: Engine,
  src: ImageSource,
  at: number,
  len: number,
  o: TailRead,
): Promise<Uint8Array> {
  const chain = await openChain(engine, src, {
    format: 'qcow2',
    gate: o.gate,
    probeBacking: o.probeBacking,
    warn: o.warn,
  });
  try {
    const buf = engineBuffer(engine, len);
    try {
      await readGuest(engine, chain, at, len, buf.ptr);
      return buf.view().slice();
    } finally {
      buf.release();
    }
  } finally {
    await chain.close();
  }
}

/**
 * Wraps an in-place sink whose copy range ends at `end`, inside the cluster starting at `at` whose
 * current bytes are `old`: calls touching that cluster are merged into `old` and it is written once,
 * at finish (it is the last cluster of the copy, so guest order holds). Holes leave old bytes.
 */
export function mergeTail(inner: Sink, end: number, at: number, old: Uint8Array): Sink {
  const buf = old.slice();
  let wrote: 'none' | 'zero' | 'data' = 'none';
  const split = (o: number, n: number, kind: 'data' | 'zero' | 'hole', bytes?: Uint8Array): Promise<void> => {
    const head = Math.max(0, Math.min(o + n, at) - o);
    const from = o + head;
    const to = Math.min(o + n, end);
    if (to > from && kind !== 'hole') {
      if (kind === 'data') {
        buf.set(bytes!.subarray(head, head + to - from), from - at);
        wrote = 'data';
      } else {
        buf.fill(0, from - at, to - at);
        if (wrote === 'none') wrote = 'zero';
      }
    }
    if (head === 0) return Promise.resolve();
    if (kind === 'data') return inner.data(o, bytes!.subarray(0, head));
    return kind === 'zero' ? inner.zero(o, head) : inner.hole(o, head);
  };
  return {
    unit: inner.unit,
    backed: inner.backed,
    data: (o, b) => split(o, b.length, 'data', b),
    zero: (o, n) => split(o, n, 'zero'),
    hole: (o, n) => split(o, n, 'hole'),
    finish: async () => {
      // As qcow2's zero write: a cluster that reads as zeros after a zero write becomes a zero cluster.
      if (wrote === 'zero' && buf.every((b) => b === 0)) await inner.zero(at, buf.length);
      else if (wrote !== 'none') await inner.data(at, buf);
      await inner.finish();
    },
  };
}

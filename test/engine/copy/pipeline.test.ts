// The copier's queue: sink calls in guest order whatever order the reads land in, buffers bounded
// by the pool, and a failed read stops every later write.
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../../src/engine/copy/pipeline.js';

const later = (ms: number, fail = false) =>
  new Promise<void>((ok, no) => setTimeout(() => (fail ? no(new Error('read failed')) : ok()), ms));

describe('Pipeline', () => {
  it('issues in order even when later reads land first', async () => {
    const pipe = new Pipeline([1, 2, 3]);
    const order: number[] = [];
    for (const [i, ms] of [
      [0, 30],
      [1, 1],
      [2, 10],
      [3, 0],
    ] as const) {
      const ptr = await pipe.take();
      pipe.issue(
        later(ms),
        async () => {
          order.push(i);
          await later(1);
        },
        () => pipe.give(ptr),
      );
    }
    pipe.issue(undefined, async () => {
      order.push(4);
    });
    await pipe.drain();
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(pipe.failure).toBeUndefined();
  });

  it('never hands out more buffers than the pool holds', async () => {
    const pipe = new Pipeline([1, 2]);
    let out = 0,
      peak = 0;
    for (let i = 0; i < 6; i++) {
      const ptr = await pipe.take();
      peak = Math.max(peak, ++out);
      pipe.issue(
        later(2),
        () => later(2),
        () => {
          out--;
          pipe.give(ptr);
        },
      );
    }
    await pipe.drain();
    expect(peak).toBe(2);
  });

  it('keeps at most maxWrites sink calls pending while reads run ahead', async () => {
    const pipe = new Pipeline([1, 2, 3, 4], 2);
    let writing = 0,
      peak = 0;
    for (let i = 0; i < 8; i++) {
      const ptr = await pipe.take();
      pipe.issue(
        later(0),
        async () => {
          peak = Math.max(peak, ++writing);
          await later(3);
          writing--;
        },
        () => pipe.give(ptr),
      );
    }
    await pipe.drain();
    expect(peak).toBe(2);
  });

  it('a failed read stops the writes after it', async () => {
    const pipe = new Pipeline([1, 2, 3]);
    const issued: number[] = [];
    pipe.issue(later(1), async () => {
      issued.push(0);
    });
    pipe.issue(later(5, true), async () => {
      issued.push(1);
    });
    pipe.issue(later(0), async () => {
      issued.push(2);
    });
    await pipe.drain();
    expect(issued).toEqual([0]);
    expect(String(pipe.failure)).toContain('read failed');
  });
});

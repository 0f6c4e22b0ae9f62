// Throughput and time left of a job from its progress samples: the rate between the oldest and the
// newest sample in the window, bytes per second only when the bytes moved are known.
import { describe, expect, it } from 'vitest';
import { addSample, duration, estimate } from '../../../web/jobs/rate.js';

describe('job rate', () => {
  it('estimates time left and throughput from the window', () => {
    let s = addSample([], { t: 0, progress: 0.1 });
    s = addSample(s, { t: 10_000, progress: 0.3 });
    const e = estimate(s, 1000);
    expect(e.secondsLeft).toBeCloseTo(35, 9);
    expect(e.bytesPerSecond).toBeCloseTo(20, 9);
    expect(Object.keys(estimate(s))).toEqual(['secondsLeft']);
  });

  it('drops samples older than the window and says nothing without progress', () => {
    let s = addSample([], { t: 0, progress: 0 });
    s = addSample(s, { t: 40_000, progress: 0.5 });
    expect(s).toEqual([{ t: 40_000, progress: 0.5 }]);
    expect(estimate(s)).toEqual({});
    expect(estimate(addSample(s, { t: 41_000, progress: 0.5 }))).toEqual({});
  });

  it('reads durations', () => {
    expect([duration(12), duration(185), duration(3720)]).toEqual(['12 s', '3 min 05 s', '1 h 02 min']);
  });
});

// Throughput and time left of a running job from its progress over time: the rate between the
// oldest and newest sample of the last `window` ms. Bytes per second when the bytes the job moves
// are known (the source volume's allocation), else only the time left.
export interface Sample {
  t: number;
  progress: number;
}
export interface Estimate {
  bytesPerSecond?: number;
  secondsLeft?: number;
}

export function addSample(samples: Sample[], s: Sample, window = 30_000): Sample[] {
  const kept = samples.filter((x) => x.t >= s.t - window && x.progress <= s.progress);
  return [...kept, s];
}

export function estimate(samples: Sample[], bytes?: number): Estimate {
  if (samples.length < 2) return {};
  const a = samples[0]!,
    b = samples[samples.length - 1]!;
  const dt = (b.t - a.t) / 1000;
  const dp = b.progress - a.progress;
  if (dt <= 0 || dp <= 0) return {};
  const perSecond = dp / dt;
  return {
    secondsLeft: Math.max(0, (1 - b.progress) / perSecond),
    ...(bytes !== undefined && bytes > 0 && { bytesPerSecond: perSecond * bytes }),
  };
}

/** `1 h 02 min`, `3 min 05 s`, `12 s`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

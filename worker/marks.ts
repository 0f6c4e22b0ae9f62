// Wall-clock marks (ms since the epoch: timeOrigin + now) of the steps from picking a file to the map
// drawn. The page and the worker each keep their own; epoch times put both on one time line (bench).
export const marks: Record<string, number> = {};

export const epochNow = (): number => performance.timeOrigin + performance.now();

export function mark(name: string): number {
  return (marks[name] = epochNow());
}

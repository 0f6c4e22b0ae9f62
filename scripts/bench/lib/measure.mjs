// Wall time and peak RSS of a whole command, measured by GNU time (a ~2 MiB parent, so the child's
// peak is its own: getrusage's maxRSS would carry over a big parent's peak through fork+exec).
import { spawnSync, execFileSync } from 'node:child_process';

export function requireCommand(name, install) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
  } catch {
    throw new Error(`${name} is missing; install it with: ${install}`);
  }
}

/** Runs `cmd args` `repeat` times; returns the median wall ms and the largest peak RSS (MiB). */
export function measure(cmd, args, { repeat = 3, cwd } = {}) {
  requireCommand('/usr/bin/time', 'apt-get install -y --no-install-recommends time');
  const walls = [];
  let rss = 0;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
    walls.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr.slice(-500)}`);
    const kib = Number(r.stderr.trim().split('\n').pop());
    rss = Math.max(rss, kib / 1024);
  }
  walls.sort((a, b) => a - b);
  return { ms: walls[Math.floor(walls.length / 2)], rssMiB: rss };
}

/** Median ms of an in-process async function (after one warm-up run). */
export async function timeInProcess(fn, repeat = 5) {
  await fn();
  const t = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

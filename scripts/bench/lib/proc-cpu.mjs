// CPU time of a Chromium instance's processes by kind (browser, renderer, utility, …), from
// /proc/PID/stat: the browser process is the one whose command line names the profile directory,
// the others are its descendants. Under load, CPU time says where the work is when wall time says
// mostly how long each part waited for a core.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function stat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** The command line as one string (Chromium rewrites its children's argv into one space-separated string). */
function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** CPU ms by process kind for the Chromium using `profile`. */
export function chromiumCpu(profile) {
  const pids = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
  const info = new Map(pids.map((p) => [p, stat(p)]).filter(([, s]) => s));
  const root = pids.find((p) => {
    const c = cmdline(p);
    return c.includes(`--user-data-dir=${profile} `) && !c.includes('--type=');
  });
  const out = {};
  if (root === undefined) return out;
  const inTree = (p) => {
    for (let q = p, n = 0; q > 1 && n < 64; q = info.get(q)?.ppid ?? 0, n++) if (q === root) return true;
    return false;
  };
  for (const [pid, s] of info) {
    if (!inTree(pid)) continue;
    const args = cmdline(pid);
    const type = /--type=(\S+)/.exec(args)?.[1] ?? 'browser';
    const sub = /--utility-sub-type=(\S+)/.exec(args)?.[1].split('.').pop();
    const kind = sub ? `${type}:${sub}` : type;
    out[kind] = (out[kind] ?? 0) + s.cpuMs;
  }
  return out;
}

/** The difference b − a, kinds with less than 20 ms left out. */
export function cpuDelta(a, b) {
  return Object.entries(b)
    .map(([k, v]) => [k, v - (a[k] ?? 0)])
    .filter(([, v]) => v >= 20);
}

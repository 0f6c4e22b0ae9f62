// A pool's file system, as the planner needs it (src/plan/pool-fs.ts): which mount of which file
// system its root lies on (st_dev and the mount's id from /proc/self/mountinfo: rename(2) works only
// within one mount), and whether it shares extents, found by trying it once per mount: a 4 KiB file
// cloned into another with FICLONERANGE, both under the root, both removed at once.
import { closeSync, constants, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { libc } from '../../io/native/libc.js';

export interface PoolFs {
  id: string;
  reflink: boolean;
}

const probed = new Map<string, boolean>();

/** The file system of `dir` (a root: its real path). Never throws: an unreadable root reads as unknown. */
export function poolFs(dir: string): PoolFs | undefined {
  try {
    const id = `dev${statSync(dir).dev}-mnt${mountIdOf(dir)}`;
    let reflink = probed.get(id);
    if (reflink === undefined) {
      reflink = probeReflink(dir);
      probed.set(id, reflink);
    }
    return { id, reflink };
  } catch {
    return undefined;
  }
}

/** The id of the mount `dir` lies on: the last-listed mount whose point is the longest prefix of it. */
export function mountIdOf(dir: string, mountinfo = readFileSync('/proc/self/mountinfo', 'utf8')): string {
  let best = { id: '?', len: -1 };
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f.length < 5) continue;
    const point = f[4]!.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    const under = point === '/' || dir === point || dir.startsWith(`${point}/`);
    if (under && point.length >= best.len) best = { id: f[0]!, len: point.length };
  }
  return best.id;
}

let probes = 0;

function probeReflink(dir: string): boolean {
  const lib = libc();
  if (!lib) return false;
  const names = ['a', 'b'].map((x) => join(dir, `.vdisk-reflink-probe-${process.pid}-${++probes}${x}`));
  const flags = constants.O_CREAT | constants.O_EXCL | constants.O_RDWR | constants.O_NOFOLLOW;
  const fds: number[] = [];
  try {
    for (const n of names) fds.push(openSync(n, flags, 0o600));
    writeSync(fds[0]!, Buffer.alloc(4096, 0x5a));
    return lib.cloneRange(fds[0]!, 0, 4096, fds[1]!, 0) === 0;
  } catch {
    return false; // a read-only root, or no room for 4 KiB: nothing shared here either
  } finally {
    for (const fd of fds) closeSync(fd);
    for (const n of names.slice(0, fds.length)) unlinkSync(n);
  }
}

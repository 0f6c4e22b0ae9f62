// A new volume gets the owner the plan names (a user name or a numeric uid), as libvirt's volume
// clone does. Only root may give a file away: an unprivileged agent keeps its own uid and says so.
import { chownSync, fchownSync, readFileSync } from 'node:fs';
import type { Logger } from '../log.js';

/** uid and primary gid of `owner` from /etc/passwd, or the number itself. */
export function resolveOwner(
  owner: string,
  passwd = () => readFileSync('/etc/passwd', 'utf8'),
): { uid: number; gid: number } | undefined {
  if (/^\d+$/.test(owner)) return { uid: Number(owner), gid: -1 };
  for (const line of passwd().split('\n')) {
    const [name, , uid, gid] = line.split(':');
    if (name === owner && uid !== undefined && gid !== undefined) return { uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

/** Gives `path` to `owner`; with `fd`, the descriptor the agent opened and checked (never the name). */
export function applyOwner(path: string, owner: string, log: Logger, fd?: number): void {
  const who = resolveOwner(owner);
  if (!who) {
    log('owner-unknown', { path, owner });
    return;
  }
  if (process.getuid?.() === who.uid) return;
  try {
    if (fd === undefined) chownSync(path, who.uid, who.gid);
    else fchownSync(fd, who.uid, who.gid);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    log('owner-not-applied', { path, owner, reason: 'the agent does not run as root' });
  }
}

// A cpio archive in the kernel's "newc" format (an initramfs): directories, regular files and
// symlinks, uncompressed (the kernel reads it as is). Only what a test guest needs.

export interface CpioEntry {
  path: string;
  /** File contents; a directory has none, a symlink has its target. */
  data?: Uint8Array;
  symlink?: string;
  /** A character device (major, minor), e.g. /dev/console before devtmpfs is mounted. */
  char?: [number, number];
  mode: number;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');
const pad4 = (n: number) => (4 - (n % 4)) % 4;

function header(ino: number, mode: number, size: number, nameSize: number, rdev: [number, number]): string {
  // magic, ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor, rdevminor, namesize, check
  return `070701${[ino, mode, 0, 0, 1, 0, size, 0, 0, rdev[0], rdev[1], nameSize, 0].map(hex8).join('')}`;
}

export function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const push = (ino: number, mode: number, name: string, body: Uint8Array, rdev: [number, number] = [0, 0]) => {
    const nameBytes = Buffer.from(`${name}\0`);
    const head = Buffer.from(header(ino, mode, body.length, nameBytes.length, rdev));
    parts.push(head, nameBytes, Buffer.alloc(pad4(head.length + nameBytes.length)));
    parts.push(Buffer.from(body), Buffer.alloc(pad4(body.length)));
  };
  entries.forEach((e, i) => {
    if (e.char) push(i + 1, 0o020000 | e.mode, e.path, new Uint8Array(), e.char);
    else if (e.symlink !== undefined) push(i + 1, 0o120000 | 0o777, e.path, Buffer.from(e.symlink));
    else if (e.data === undefined) push(i + 1, 0o040000 | e.mode, e.path, new Uint8Array());
    else push(i + 1, 0o100000 | e.mode, e.path, e.data);
  });
  push(0, 0, 'TRAILER!!!', new Uint8Array());
  return Buffer.concat(parts);
}

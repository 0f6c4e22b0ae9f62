// Open, then check what was opened. A name that passed the roots check may be swapped for a symlink
// or a hard link before the agent opens it, so every file the agent reads, writes, wipes or deletes
// is opened here: O_NOFOLLOW (a symlink in the last place fails), O_NONBLOCK (a FIFO cannot hang the
// open), then the descriptor itself is checked before any byte moves: a regular file, opened at
// exactly the path that was checked (its /proc/self/fd link, so no directory on the way was a
// link), the same device/inode as the name now, and for writes, wipes and deletes one link only.
import { constants, type Stats } from 'node:fs';
import { lstat, open, readlink, realpath, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, normalize } from 'node:path';
import { VdiskError } from '../../errors/vdisk-error.js';
import { fsError } from '../../io/fs-error.js';
import type { Logger } from '../log.js';
import type { Roots } from './roots.js';

export type OpenPurpose = 'read' | 'lock' | 'write' | 'wipe' | 'delete' | 'create';
type ExistingPurpose = Exclude<OpenPurpose, 'create'>;

const { O_RDONLY, O_RDWR, O_CREAT, O_EXCL, O_NOFOLLOW, O_NONBLOCK } = constants;
const FLAGS: Record<ExistingPurpose, number> = {
  read: O_RDONLY,
  lock: O_RDONLY,
  write: O_RDWR,
  wipe: O_RDWR,
  delete: O_RDONLY,
};
/** Purposes that change or remove the file: a second link would carry the change elsewhere. */
const ONE_LINK: ReadonlySet<OpenPurpose> = new Set(['write', 'wipe', 'delete', 'create']);

export interface CheckedFile {
  path: string;
  handle: FileHandle;
  stat: Stats;
}

export class CheckedFiles {
  /** Tests only (never set otherwise): runs after the name's check, right before the open. */
  beforeOpen?: (path: string, purpose: OpenPurpose) => void;

  constructor(
    readonly roots: Roots,
    private readonly log: Logger,
  ) {}

  /** An existing file, opened for `purpose` and checked. */
  async open(path: string, purpose: ExistingPurpose): Promise<CheckedFile> {
    this.roots.resolve(path);
    this.beforeOpen?.(path, purpose);
    let handle: FileHandle;
    try {
      handle = await open(path, FLAGS[purpose] | O_NOFOLLOW | O_NONBLOCK);
    } catch (e) {
      throw openError(e, path);
    }
    return this.checked(path, handle, purpose);
  }

  /** A new file (O_CREAT|O_EXCL|O_NOFOLLOW) in a directory that is its own real path inside a root. */
  async create(path: string, mode = 0o600): Promise<CheckedFile> {
    this.roots.resolve(path);
    await this.checkDir(dirname(path));
    this.beforeOpen?.(path, 'create');
    let handle: FileHandle;
    try {
      handle = await open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST')
        throw changed(path, 'a file appeared where a new one was to be created');
      throw openError(e, path);
    }
    return this.checked(path, handle, 'create');
  }

  /** Unlinks the file `f` checked, and only while its name still names that file. */
  async unlink(f: CheckedFile): Promise<void> {
    await this.assertSame(f);
    await unlink(f.path).catch((e) => {
      throw fsError(e, f.path, 'delete');
    });
  }

  /** Throws E_AGENT_FILE_CHANGED unless `f.path` (not followed) is still the file `f` opened. */
  async assertSame(f: CheckedFile): Promise<void> {
    const now = await lstat(f.path).catch(() => undefined);
    if (!now || now.dev !== f.stat.dev || now.ino !== f.stat.ino)
      throw changed(f.path, 'the name no longer names the file the agent checked');
  }

  /** A directory files are created or renamed in: a real path (no link on the way) inside a root. */
  async checkDir(dir: string): Promise<void> {
    const real = await realpath(dir).catch((e) => {
      throw fsError(e, dir, 'open directory');
    });
    if (real === normalize(dir) && this.roots.rootOf(real)) return;
    this.log('open-refused', { path: dir, reason: 'directory is reached through a link', real });
    throw new VdiskError(
      this.roots.rootOf(real) ? 'E_AGENT_SYMLINK' : 'E_AGENT_SYMLINK_ESCAPE',
      `${dir} is reached through a symbolic link`,
      { path: dir },
    );
  }

  private async checked(path: string, handle: FileHandle, purpose: OpenPurpose): Promise<CheckedFile> {
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw new VdiskError('E_AGENT_NOT_A_FILE', `${path} is not a regular file`, { path });
      const opened = await readlink(`/proc/self/fd/${handle.fd}`);
      if (opened !== normalize(path)) {
        this.log('open-refused', { path, reason: 'opened file lies elsewhere', opened });
        const code = this.roots.rootOf(opened) ? 'E_AGENT_SYMLINK' : 'E_AGENT_SYMLINK_ESCAPE';
        throw new VdiskError(code, `${path} is reached through a symbolic link`, { path });
      }
      const f = { path, handle, stat };
      await this.assertSame(f);
      if (ONE_LINK.has(purpose) && stat.nlink > 1)
        throw new VdiskError('E_AGENT_HARD_LINK', `${path} has ${stat.nlink} links`, { path });
      return f;
    } catch (e) {
      await handle.close().catch(() => {});
      throw e;
    }
  }
}

function openError(e: unknown, path: string): VdiskError {
  if ((e as NodeJS.ErrnoException).code === 'ELOOP')
    return new VdiskError('E_AGENT_SYMLINK', `${path} is a symbolic link`, { path });
  return fsError(e, path, 'open');
}

const changed = (path: string, why: string) => new VdiskError('E_AGENT_FILE_CHANGED', `${path}: ${why}`, { path });

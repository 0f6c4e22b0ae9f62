// Where `vdisk start` writes its demo: a fresh private directory (mkdtemp, 0700) it removes at stop,
// or the `--dir` the person named: created if missing, used if empty, reused if it holds the marker
// a previous `vdisk start` wrote there, refused otherwise. In a reused directory only the files this
// module knows `vdisk start` writes are removed (a fixed list, never read from the marker), so files
// the person put there, or copies made in the demo, survive.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmdirSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VdiskError } from '../errors/vdisk-error.js';

export const MARKER = '.vdisk-start';

/** Everything `vdisk start` writes, relative to its directory; directories last, after their files. */
const OURS = {
  files: [
    'pool-a/base.qcow2',
    'pool-a/disk.qcow2',
    'pool-a/vm-root.qcow2',
    'agent-state/journal.jsonl',
    'agent-state/inventory.json',
    'agent-state/inventory.json.tmp',
    'run/demo-vm.qmp',
  ],
  dirs: ['run', 'agent-state'],
};

export interface StartDir {
  dir: string;
  /** Removes what this run made: the whole directory when it was made fresh, else only the run dir. */
  release(): void;
}

export function prepareStartDir(given?: string): StartDir {
  if (given === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'vdisk-start-'));
    writeFileSync(join(dir, MARKER), 'written by vdisk start\n', { mode: 0o600 });
    return { dir, release: () => rmSync(dir, { recursive: true, force: true }) };
  }
  if (!existsSync(given)) mkdirSync(given, { recursive: true, mode: 0o700 });
  const entries = readdirSync(given);
  if (entries.length && !entries.includes(MARKER)) {
    throw new VdiskError('E_START_DIR_NOT_EMPTY', `${given} holds files and is not a directory vdisk start made`, {
      path: given,
      hint: 'name a new or empty directory with --dir, or leave --dir out for a fresh private one',
    });
  }
  if (entries.length) clearOurs(given);
  writeFileSync(join(given, MARKER), 'written by vdisk start\n', { mode: 0o600 });
  return { dir: given, release: () => removeRun(given) };
}

/** Only regular files and sockets on the fixed list (a symlink in their place is unlinked, not followed). */
function clearOurs(dir: string): void {
  for (const rel of OURS.files) {
    const st = lstatSync(join(dir, rel), { throwIfNoEntry: false });
    if (st && !st.isDirectory()) unlinkSync(join(dir, rel));
  }
  for (const rel of OURS.dirs) rmdirIfEmpty(join(dir, rel));
}

function removeRun(dir: string): void {
  const sock = join(dir, 'run/demo-vm.qmp');
  if (lstatSync(sock, { throwIfNoEntry: false })?.isSocket()) unlinkSync(sock);
  rmdirIfEmpty(join(dir, 'run'));
}

function rmdirIfEmpty(path: string): void {
  try {
    rmdirSync(path);
  } catch (e) {
    if (!['ENOENT', 'ENOTEMPTY', 'EEXIST', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  }
}

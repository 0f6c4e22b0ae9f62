// Spent nonces that survive a restart: NONCE-LOG (state dir, 0600) gets one `TIME NONCE` line per
// accepted request, appended before the request runs; at start the lines still inside the replay
// window are loaded back. Persisting was chosen over "refuse everything for a window after start"
// because a timestamp may lead the clock by a whole window, so that refusal would have to last two
// windows after every restart (and recovery tests and operators restart agents on purpose); the log
// costs one small append per call. Bounded: when the file holds more dead lines than live ones (and
// at start) it is rewritten with only the live ones (write to a temp file, rename).
// Not fsynced: a process crash keeps the page cache; a host crash takes longer than a window to reboot.
import { closeSync, existsSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createPrivateTemp, openPrivateAppend } from '../../auth/private-files.js';
import { NonceCache, REPLAY_WINDOW_MS, type NonceStore } from '../../auth/hmac.js';

export const NONCE_LOG = 'nonces.log';
const COMPACT_AFTER = 1000;

export class PersistentNonces implements NonceStore {
  private readonly cache: NonceCache;
  private lines = 0;

  constructor(
    private readonly file: string,
    now = Date.now(),
    windowMs = REPLAY_WINDOW_MS,
  ) {
    this.cache = new NonceCache(windowMs);
    if (existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const m = /^(\d{1,16}) ([A-Za-z0-9_-]{16,128})$/.exec(line);
        if (m) this.cache.restore(m[2]!, Number(m[1]), now);
      }
    }
    this.compact(now);
  }

  remember(nonce: string, now: number): boolean {
    if (!this.cache.remember(nonce, now)) return false;
    const fd = openPrivateAppend(this.file);
    try {
      writeSync(fd, `${now} ${nonce}\n`);
    } finally {
      closeSync(fd);
    }
    if (++this.lines > COMPACT_AFTER && this.lines > 2 * this.cache.count(now)) this.compact(now);
    return true;
  }

  private compact(now: number): void {
    const live = this.cache.live(now);
    const tmp = `${this.file}.tmp`;
    const fd = createPrivateTemp(tmp);
    try {
      writeSync(fd, live.map(([n, t]) => `${t} ${n}\n`).join(''));
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    this.lines = live.length;
  }
}

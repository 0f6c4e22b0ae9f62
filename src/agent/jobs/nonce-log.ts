// Spent nonces that survive a restart: NONCE-LOG (state dir, 0600) gets one `TIME NONCE` line per
// accepted request, appended before the request runs; at start the lines still inside the replay
// window are loaded back. Persisting was chosen over "refuse everything for a window after start"
// because a timestamp may lead the clock by a whole window, so that refusal would have to last two
// windows after every restart (and recovery tests and operators restart agents on purpose); the log
// costs one small append per call. Bounded: when the file holds more dead lines than live ones (and
// at start) it is rewritten with only the live ones (write to a temp file, rename).
// Not fsynced: a process crash keeps the page cache; a host crash takes longer than a window to reboot.
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
    appendFileSync(this.file, `${now} ${nonce}\n`, { mode: 0o600 });
    if (++this.lines > COMPACT_AFTER && this.lines > 2 * this.cache.count(now)) this.compact(now);
    return true;
  }

  private compact(now: number): void {
    const live = this.cache.live(now);
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, live.map(([n, t]) => `${t} ${n}\n`).join(''), { mode: 0o600 });
    renameSync(tmp, this.file);
    this.lines = live.length;
  }
}

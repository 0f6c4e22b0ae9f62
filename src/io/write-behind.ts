// Write-behind for a durable target: every WRITE_BEHIND bytes written, writeback of the file starts
// in the background while the copy goes on, so the disk works during the copy and the final flush
// finds little left. It is sync_file_range(SYNC_FILE_RANGE_WRITE) through koffi where it loads: the
// call only queues the dirty pages and returns, where an fdatasync would hold a pool thread until the
// disk is done (the fallback). At most one runs at a time; its failure is kept and thrown by the next
// settle(). The durable fdatasync at the end stays the caller's (flush()).
import type { FileHandle } from 'node:fs/promises';
import { libc, SYNC_RANGE } from './native/libc.js';

/** A durable target starts writing back every this many bytes. */
export const WRITE_BEHIND = 64 << 20;

export class WriteBehind {
  private unsynced = 0;
  private running: Promise<void> | undefined;
  private failure: unknown;

  constructor(
    private readonly handle: FileHandle,
    private readonly enabled: boolean,
    private readonly every = WRITE_BEHIND,
  ) {}

  /** Counts `length` bytes written; starts a background fdatasync when enough have gathered. */
  wrote(length: number): void {
    this.unsynced += length;
    if (!this.enabled || this.unsynced < this.every || this.running) return;
    this.unsynced = 0;
    this.running = this.start()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  private async start(): Promise<void> {
    const sys = libc();
    const r = sys ? await sys.syncFileRange(this.handle.fd, 0, 0, SYNC_RANGE.WRITE) : 'ENOSYS';
    if (r === 0) return;
    if (r !== 'ENOSYS' && r !== 'EINVAL' && r !== 'ESPIPE')
      throw Object.assign(new Error(`sync_file_range: ${r}`), { code: r });
    await this.handle.datasync();
  }

  /** Waits for the running write-behind; throws the first background failure. */
  async settle(): Promise<void> {
    await this.running;
    if (this.failure) throw this.failure;
  }

  /** After a full flush nothing is pending. */
  synced(): void {
    this.unsynced = 0;
  }

  /** Waits for the running fdatasync, ignoring its outcome (abort). */
  async drain(): Promise<void> {
    await this.running;
  }
}

// Write-behind for a durable target: every WRITE_BEHIND bytes written, an fdatasync starts in the
// background while the copy goes on, so the disk works during the copy and the final flush finds
// little left. At most one runs at a time; its failure is kept and thrown by the next settle().
import type { FileHandle } from 'node:fs/promises';

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
    this.running = this.handle
      .datasync()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Waits for the running fdatasync; throws the first background failure. */
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

// FileSystemSyncAccessHandle is in TypeScript's WebWorker library, not its DOM one; this names the
// part vdisk uses so the OPFS source and target type-check beside DOM code.
export interface SyncAccessHandle {
  read(buf: Uint8Array, opts: { at: number }): number;
  write(buf: Uint8Array, opts: { at: number }): number;
  truncate(size: number): void;
  getSize(): number;
  flush(): void;
  close(): void;
}

/** Only dedicated workers have it; elsewhere the call throws (InvalidStateError / TypeError). */
export function createSyncHandle(file: FileSystemFileHandle): Promise<SyncAccessHandle> {
  return (file as unknown as { createSyncAccessHandle(): Promise<SyncAccessHandle> }).createSyncAccessHandle();
}

/** Milliseconds spent inside sync-handle reads and writes (and their bytes), for the worker's stats. */
export const opfsTimings = { readMs: 0, readBytes: 0, writeMs: 0, writeBytes: 0, truncateMs: 0, flushMs: 0 };

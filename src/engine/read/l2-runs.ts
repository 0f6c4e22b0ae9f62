// Runs of used and all-zero entries in an L2 table, found by the engine's L2 scan
// (assembly/qcow2/l2-scan.ts, SIMD where the runtime has it): the table is copied into a scratch
// buffer of engine memory and the runs read back. An all-zero entry is an unallocated cluster of the
// layer, which the map counts without asking the chain walk; only used entries go there.
import type { Engine } from '../core/engine.js';
import { E_NO_MEMORY } from '../core/codes.js';

/** [first entry, entries, used]. */
export type L2Run = [number, number, boolean];

export class L2Scanner {
  private ptr: number;

  /** `maxTable`: the largest table scanned (the layer's cluster size). */
  constructor(
    private readonly engine: Engine,
    private readonly maxTable: number,
  ) {
    this.ptr = engine.x.alloc(maxTable);
    if (this.ptr === 0) throw engine.error(E_NO_MEMORY);
  }

  /** The runs of the first `entries` entries of `table` (entries past its end are not scanned). */
  runs(table: Uint8Array, entryBytes: number, entries: number): L2Run[] {
    const n = Math.min(entries, Math.floor(Math.min(table.length, this.maxTable) / entryBytes));
    this.engine.bytes().set(table.subarray(0, n * entryBytes), this.ptr);
    const out: L2Run[] = [];
    for (let done = 0; done < n; ) {
      const count = this.engine.x.l2Scan(this.ptr + done * entryBytes, entryBytes, n - done);
      if (count <= 0) break;
      const ends = new Uint32Array(this.engine.x.memory.buffer, this.engine.x.l2RunsPtr(), count);
      let used = this.engine.x.l2RunsFirstUsed() === 1;
      let from = 0;
      for (const e of ends) {
        const last = out[out.length - 1];
        // A call that stopped on a full buffer ends a run; the next call starts the other kind.
        if (last && from === 0 && last[2] === used) last[1] += e;
        else out.push([done + from, e - from, used]);
        from = e;
        used = !used;
      }
      done += this.engine.x.l2ScanEntries();
    }
    return out;
  }

  free(): void {
    if (this.ptr) this.engine.x.free(this.ptr, this.maxTable);
    this.ptr = 0;
  }
}

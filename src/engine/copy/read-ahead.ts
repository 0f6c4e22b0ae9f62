// Guest reads for the copier's pipeline: the engine plans a chunk's reads (servicing metadata misses
// on the spot), and the data reads come back unperformed so several chunks can be in flight while
// the next one is planned. Engine calls stay on the caller's loop; only file reads run behind it.
// Planning never allocates engine memory (the L2 cache and L1 tables exist from init and open), so
// memory cannot grow under these reads; the copier also pins the memory size while its reads are in
// flight (another call needing more memory gets E_ENGINE_BUSY), and `memoryGuard` checks it anyway.
import type { Chain } from '../read/chain.js';
import type { Engine, Request } from '../core/engine.js';
import { VdiskError } from '../../errors/vdisk-error.js';

/** Plans [pos, pos+len) of the chain into engine memory at ptr; returns the reads still to perform. */
export async function planGuestRead(
  engine: Engine,
  chain: Chain,
  pos: number,
  len: number,
  ptr: number,
): Promise<Request[]> {
  let done = 0;
  for (;;) {
    const rc = engine.x.readGuest(chain.top.slot, pos + done, len - done, ptr + done);
    if (rc !== 0 && rc !== 1) {
      engine.x.ioDone(0);
      throw engine.error(rc);
    }
    const planned = engine.x.readPlannedBytes();
    if (rc === 0 && done + planned >= len) {
      const reqs = engine.detachReads(ptr, ptr + len);
      if (reqs) return reqs;
    }
    await engine.service();
    done += planned;
    if (done >= len) return [];
  }
}

/** Memory size guard: reads in flight point into linear memory, which must not move under them. */
export function memoryGuard(engine: Engine): () => void {
  const bytes = engine.x.memory.buffer.byteLength;
  return () => {
    if (engine.x.memory.buffer.byteLength !== bytes)
      throw new VdiskError('E_NO_MEMORY', 'engine memory grew while reads into it were in flight');
  };
}

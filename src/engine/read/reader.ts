// Guest reads into engine memory: drives readGuest until the whole range is planned and serviced.
import type { Chain } from './chain.js';
import type { Engine } from '../core/engine.js';
import { E_NO_MEMORY } from '../core/codes.js';

/** Fills [ptr, ptr+len) of engine memory with guest bytes [pos, pos+len) of the chain. */
export async function readGuest(engine: Engine, chain: Chain, pos: number, len: number, ptr: number): Promise<void> {
  let done = 0;
  while (done < len) {
    let planned = 0;
    const rc = engine.x.readGuest(chain.top.slot, pos + done, len - done, ptr + done);
    if (rc !== 0 && rc !== 1) {
      engine.x.ioDone(0);
      throw engine.error(rc);
    }
    planned = engine.x.readPlannedBytes();
    await engine.service();
    done += planned;
  }
}

/** A 4 KiB-aligned buffer in engine memory, freed by release(). */
export function engineBuffer(
  engine: Engine,
  bytes: number,
): { ptr: number; bytes: number; view(): Uint8Array; release(): void } {
  const ptr = engine.x.alloc(bytes);
  if (ptr === 0) throw engine.error(E_NO_MEMORY);
  return {
    ptr,
    bytes,
    view: () => engine.bytes().subarray(ptr, ptr + bytes),
    release: () => engine.x.free(ptr, bytes),
  };
}

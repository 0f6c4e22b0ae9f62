// `vdisk compare A B`: guest-visible comparison with qemu-img compare's contract: exit 0 identical,
// 1 different (first mismatch reported at 512-byte granularity, as qemu-img does), 2 error. A larger
// image matches only if its extra bytes read as zeros.
import type { Chain } from '../../engine/read/chain.js';
import type { Engine } from '../../engine/core/engine.js';
import { engineBuffer, readGuest } from '../../engine/read/reader.js';

const CHUNK = 4 << 20;

export interface CompareResult {
  identical: boolean;
  sizeMismatch: boolean;
  mismatchAt?: number;
}

export async function compareChains(engine: Engine, a: Chain, b: Chain): Promise<CompareResult> {
  const bufA = engineBuffer(engine, CHUNK);
  const bufB = engineBuffer(engine, CHUNK);
  try {
    for (let pos = 0; pos < Math.max(a.size, b.size); pos += CHUNK) {
      const n = Math.min(CHUNK, Math.max(a.size, b.size) - pos);
      if (pos < a.size) await readGuest(engine, a, pos, Math.min(n, a.size - pos), bufA.ptr);
      if (pos < b.size) await readGuest(engine, b, pos, Math.min(n, b.size - pos), bufB.ptr);
      const va = bufA.view();
      const vb = bufB.view();
      for (let i = 0; i < n; i++) {
        const x = pos + i < a.size ? va[i] : 0;
        const y = pos + i < b.size ? vb[i] : 0;
        if (x !== y)
          return { identical: false, sizeMismatch: a.size !== b.size, mismatchAt: Math.floor((pos + i) / 512) * 512 };
      }
    }
  } finally {
    bufA.release();
    bufB.release();
  }
  return { identical: true, sizeMismatch: a.size !== b.size };
}

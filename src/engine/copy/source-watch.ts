// "Source changed underneath": remembers each layer's size and first header bytes before a copy
// and compares them after, so a copy taken while another program wrote the source fails instead of
// yielding a silently mixed image. The size comes from the medium itself (ImageSource.currentSize,
// an fstat for a Node file), never from guessing whether a name is a path.
import type { Chain } from '../read/chain.js';
import type { ImageSource } from '../../io/source.js';
import { VdiskError } from '../../errors/vdisk-error.js';

async function head(src: { pread(b: Uint8Array, o: number): Promise<number>; size: number }): Promise<Uint8Array> {
  const b = new Uint8Array(Math.min(512, src.size));
  if (b.length) await src.pread(b, 0);
  return b;
}

async function sizeNow(src: ImageSource): Promise<number> {
  return src.currentSize ? src.currentSize() : src.size;
}

export async function watchSource(chain: Chain): Promise<{ check(): Promise<void> }> {
  const before = await Promise.all(
    chain.layers.map(async (l) => ({ l, head: await head(l.source), size: await sizeNow(l.source) })),
  );
  return {
    async check() {
      for (const b of before) {
        const h = await head(b.l.source);
        const size = await sizeNow(b.l.source);
        if (size !== b.size || h.some((v, i) => v !== b.head[i])) {
          throw new VdiskError('E_SOURCE_CHANGED', undefined, { path: b.l.source.name, before: b.size, after: size });
        }
      }
    },
  };
}

// createImage: qemu-img create. A raw image is a sparse file of the size (its first 4 KiB allocated,
// as qemu-img does); a qcow2 image is written by the same writer convert uses, with nothing copied.
// A backing file gives the default size; its format must be stated (never probed).
// Progress: phase 'metadata', bytes the writer has written of what it will write (every L2 table
// with preallocation=metadata, the L1 table); an abort stops the next write and the new file is
// removed (it only becomes visible by the rename at commit), so nothing is left at the destination.
import type { ImageTarget } from '../../io/target.js';
import type { ImageFormat } from '../read/gate.js';
import { Qcow2Writer } from '../qcow2/writer.js';
import { qcow2Params, type Qcow2CreateOptions } from '../qcow2/options.js';
import { engineFor, filesFor, openSourceChain, openTarget, type OpenCommon } from './open.js';
import { checkAbort, reporter, type LongOp } from './progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface CreateOptions extends LongOp, OpenCommon {
  target: string | ImageTarget;
  format: ImageFormat;
  size?: number;
  options?: Qcow2CreateOptions;
  backing?: { name: string; format: ImageFormat };
  overwrite?: boolean;
}

async function backingSize(o: CreateOptions): Promise<number> {
  const b = o.backing!;
  if (typeof o.target !== 'string')
    throw new VdiskError('E_USAGE', 'give a size: the backing file cannot be opened from here');
  const name = filesFor(o.files, o.target).resolve(b.name, o.target);
  const engine = await engineFor(o);
  const chain = await openSourceChain(engine, name, b.format, { ...o, noBacking: true });
  try {
    return chain.size;
  } finally {
    await chain.close();
  }
}

export async function createImage(o: CreateOptions): Promise<void> {
  if (o.backing && o.format !== 'qcow2') throw new VdiskError('E_BAD_OPTION', 'a backing file needs -f qcow2');
  const size = o.size ?? (o.backing ? await backingSize(o) : undefined);
  if (size === undefined || !Number.isSafeInteger(size) || size < 0)
    throw new VdiskError('E_USAGE', 'image size missing or invalid');
  const params = o.format === 'qcow2' ? qcow2Params(o.options, o.backing !== undefined) : undefined;
  checkAbort(o.signal);
  const target = await openTarget(o.target, { overwrite: o.overwrite }, o.files);
  const w = watched(target, o.signal);
  try {
    let total = 1;
    let tick = reporter(o, 'metadata', total);
    if (params) {
      const writer = new Qcow2Writer(w.target, params, { size, backing: o.backing });
      const { l1Size, cluster } = writer.geo;
      total = (params.prealloc ? l1Size * cluster : 0) + Math.max(1, Math.ceil((l1Size * 8) / cluster)) * cluster;
      tick = reporter(o, 'metadata', total);
      tick(0);
      w.onWrite = (n) => tick(Math.min(n, total - 1));
      await writer.finish();
    } else {
      tick(0);
      await w.target.truncate(size);
      if (size > 0) await w.target.pwrite(new Uint8Array(Math.min(4096, size)), 0);
    }
    checkAbort(o.signal);
    await target.commit();
    tick(total);
  } catch (e) {
    await w.settled();
    await target.abort();
    throw e;
  }
}

/**
 * The target as the writer sees it: bytes written counted, and once the signal is aborted the next
 * pwrite throws E_CANCELLED synchronously, before any promise exists (the writer fires some L2 table
 * writes and forgets them: a rejected one would go unobserved). settled() waits for writes in flight.
 */
function watched(t: ImageTarget, signal: AbortSignal | undefined) {
  const inflight = new Set<Promise<void>>();
  let written = 0;
  const w = {
    onWrite: (_bytes: number) => {},
    settled: async () => {
      await Promise.allSettled([...inflight]);
    },
    target: new Proxy(t, {
      get(obj, key) {
        if (key === 'pwrite') {
          return (buf: Uint8Array, offset: number): Promise<void> => {
            checkAbort(signal);
            const n = buf.length;
            const p = obj.pwrite(buf, offset).then(() => {
              written += n;
              w.onWrite(written);
            });
            inflight.add(p);
            void p.finally(() => inflight.delete(p)).catch(() => {});
            return p;
          };
        }
        const v = Reflect.get(obj, key, obj);
        return typeof v === 'function' ? v.bind(obj) : v;
      },
    }),
  };
  return w;
}

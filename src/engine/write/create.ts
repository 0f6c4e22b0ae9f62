// createImage: qemu-img create. A raw image is a sparse file of the size (its first 4 KiB allocated,
// as qemu-img does); a qcow2 image is written by the same writer convert uses, with nothing copied.
// A backing file gives the default size; its format must be stated (never probed).
import type { ImageTarget } from '../../io/target.js';
import type { ImageFormat } from '../gate.js';
import { Qcow2Writer } from './qcow2/writer.js';
import { qcow2Params, type Qcow2CreateOptions } from './qcow2/options.js';
import { engineFor, openSourceChain, openTarget, type OpenCommon } from './open.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface CreateOptions extends OpenCommon {
  target: string | ImageTarget;
  format: ImageFormat;
  size?: number;
  options?: Qcow2CreateOptions;
  backing?: { name: string; format: ImageFormat };
  overwrite?: boolean;
}

async function backingSize(o: CreateOptions): Promise<number> {
  const b = o.backing!;
  if (typeof o.target !== 'string') throw new VdiskError('E_USAGE', 'give a size: the backing file cannot be opened from here');
  const { resolveRelative } = await import('../node-gate.js');
  const engine = await engineFor(o);
  const chain = await openSourceChain(engine, resolveRelative(b.name, o.target), b.format, { ...o, noBacking: true });
  try { return chain.size; } finally { await chain.close(); }
}

export async function createImage(o: CreateOptions): Promise<void> {
  if (o.backing && o.format !== 'qcow2') throw new VdiskError('E_BAD_OPTION', 'a backing file needs -f qcow2');
  const size = o.size ?? (o.backing ? await backingSize(o) : undefined);
  if (size === undefined || !Number.isSafeInteger(size) || size < 0) throw new VdiskError('E_USAGE', 'image size missing or invalid');
  const params = o.format === 'qcow2' ? qcow2Params(o.options, o.backing !== undefined) : undefined;
  const target = await openTarget(o.target, { overwrite: o.overwrite });
  try {
    if (params) await new Qcow2Writer(target, params, { size, backing: o.backing }).finish();
    else {
      await target.truncate(size);
      if (size > 0) await target.pwrite(new Uint8Array(Math.min(4096, size)), 0);
    }
    await target.commit();
  } catch (e) {
    await target.abort();
    throw e;
  }
}

// convertImage: qemu-img convert over the engine. Flattens a chain (or, with `backing`, copies only
// the top: libvirt's shallow copy) into a new raw or qcow2 image written under a temporary name, or
// into an existing target with reuseTarget (-n). Sources are opened read-only and never changed.
import type { ImageSource } from '../../io/source.js';
import type { ImageTarget } from '../../io/target.js';
import type { ImageFormat } from '../gate.js';
import { copyChain } from './copier.js';
import { RawSink } from './raw-sink.js';
import { Qcow2Writer } from './qcow2/writer.js';
import { qcow2Params, type Qcow2CreateOptions } from './qcow2/options.js';
import { compressorFor } from './qcow2/compress.js';
import { engineFor, openSourceChain, openTarget, type OpenCommon } from './open.js';
import { reusedQcow2Sink } from './reuse.js';
import { watchSource } from './source-watch.js';
import type { LongOp } from './progress.js';
import { VdiskError, isVdiskError } from '../../errors/vdisk-error.js';

export interface ConvertOptions extends LongOp, OpenCommon {
  source: string | ImageSource;
  sourceFormat?: ImageFormat;
  target: string | ImageTarget;
  targetFormat: ImageFormat;
  options?: Qcow2CreateOptions;
  backing?: { name: string; format: ImageFormat };
  sparseSize?: number;
  compress?: boolean;
  reuseTarget?: boolean;
  targetIsZero?: boolean;
  targetSize?: number;
  /** Replace an existing destination file (otherwise E_TARGET_EXISTS). */
  overwrite?: boolean;
  chunkSize?: number;
  depth?: number;
  /** false: no fdatasync before the rename (qemu-img convert's own default); default true. */
  durable?: boolean;
}

export async function convertImage(opts: ConvertOptions): Promise<{ bytesRead: number; bytesWritten: number }> {
  if (opts.backing && opts.targetFormat !== 'qcow2') throw new VdiskError('E_BAD_OPTION', 'a backing file needs -O qcow2');
  if (opts.compress && opts.targetFormat !== 'qcow2') throw new VdiskError('E_BAD_OPTION', 'compression needs -O qcow2');
  const engine = await engineFor(opts);
  const chain = await openSourceChain(engine, opts.source, opts.sourceFormat, opts);
  try {
    const size = Math.max(chain.size, opts.targetSize ?? 0);
    const params = opts.targetFormat === 'qcow2' ? qcow2Params(opts.options, opts.backing !== undefined) : undefined;
    const target = await openTarget(opts.target, { reuse: opts.reuseTarget, overwrite: opts.overwrite, durable: opts.durable });
    const watch = await watchSource(chain);
    try {
      let sink;
      if (opts.reuseTarget && opts.targetFormat === 'qcow2') sink = await reusedQcow2Sink(engine, target, size, opts);
      else if (params) {
        const compress = opts.compress ? await compressorFor(params) : undefined;
        sink = new Qcow2Writer(target, params, { size, backing: opts.backing, compress });
      } else {
        if (opts.reuseTarget && target.size < size) throw new VdiskError('E_SIZE_MISMATCH', `target is ${target.size} bytes, the source needs ${size}`, { path: target.name });
        sink = new RawSink(target, size, target.startsZero || (opts.targetIsZero ?? false));
      }
      const r = await copyChain(engine, chain, sink, {
        ...opts, shallow: opts.backing !== undefined, targetSize: size,
      });
      await watch.check();
      await target.commit();
      return r;
    } catch (e) {
      await target.abort();
      if (opts.reuseTarget && isVdiskError(e) && e.code !== 'E_SIZE_MISMATCH') {
        e.detail.targetState = 'the reused target was partly written; its content is undefined until the copy is repeated';
      }
      throw e;
    }
  } finally {
    await chain.close();
  }
}

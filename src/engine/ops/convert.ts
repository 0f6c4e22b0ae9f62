// convertImage: qemu-img convert over the engine. Flattens a chain (or, with `backing`, copies only
// the top: libvirt's shallow copy) into a new raw or qcow2 image written under a temporary name, or
// into an existing target with reuseTarget (-n). Sources are opened read-only and never changed.
import type { ImageSource } from '../../io/source.js';
import type { ImageTarget } from '../../io/target.js';
import type { ImageFormat } from '../read/gate.js';
import { copyChain } from '../copy/copier.js';
import { copyConcat, sectorSize } from '../copy/concat.js';
import type { Chain } from '../read/chain.js';
import { RawSink } from '../copy/raw-sink.js';
import { Qcow2Writer, type WriterOptions } from '../qcow2/writer.js';
import { readBitmaps } from '../qcow2/bitmap-read.js';
import { bitmapsToCopy, withBitmaps } from '../qcow2/bitmap-write.js';
import { qcow2Params, type Qcow2CreateOptions } from '../qcow2/options.js';
import { compressorFor } from '../qcow2/compress.js';
import { engineFor, openSourceChain, openTarget, type OpenCommon } from './open.js';
import { reusedQcow2Sink } from '../copy/reuse.js';
import { watchSource } from '../copy/source-watch.js';
import type { LongOp } from './progress.js';
import { VdiskError, isVdiskError } from '../../errors/vdisk-error.js';

export interface ConvertOptions extends LongOp, OpenCommon {
  /** Several sources are concatenated, as `qemu-img convert SRC1 SRC2 ... DST` does. */
  source: string | ImageSource | (string | ImageSource)[];
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
  /** --bitmaps: carry the source's persistent bitmaps into the new qcow2 v3 target. */
  bitmaps?: boolean;
  /** --skip-broken-bitmaps: leave out inconsistent bitmaps instead of failing. */
  skipBrokenBitmaps?: boolean;
  /** false (--no-offload): always read and write; default: copy in the kernel where the target shares extents. */
  offload?: boolean;
}

export async function convertImage(opts: ConvertOptions): Promise<{ bytesRead: number; bytesWritten: number }> {
  if (opts.backing && opts.targetFormat !== 'qcow2')
    throw new VdiskError('E_BAD_OPTION', 'a backing file needs -O qcow2');
  if (opts.compress && opts.targetFormat !== 'qcow2')
    throw new VdiskError('E_BAD_OPTION', 'compression needs -O qcow2');
  const sources = Array.isArray(opts.source) ? opts.source : [opts.source];
  if (sources.length === 0) throw new VdiskError('E_USAGE', 'no source image given');
  if (sources.length > 1 && opts.backing)
    throw new VdiskError(
      'E_BAD_OPTION',
      'having a backing file for the target makes no sense when concatenating multiple input images',
      { hint: 'give one source, or leave out -B and -o backing_file' },
    );
  const engine = await engineFor(opts);
  const chains: Chain[] = [];
  try {
    for (const s of sources) chains.push(await openSourceChain(engine, s, opts.sourceFormat, opts));
    const chain = chains[0]!;
    const srcSize = chains.length > 1 ? chains.reduce((a, c) => a + sectorSize(c.size), 0) : chain.size;
    const size = Math.max(srcSize, opts.targetSize ?? 0);
    const params = opts.targetFormat === 'qcow2' ? qcow2Params(opts.options, opts.backing !== undefined) : undefined;
    if (opts.bitmaps) checkBitmapOptions(opts, chains.length, params?.version, size !== chain.size);
    const bitmaps =
      opts.bitmaps && chain.top.facts.format === 'qcow2' ? await readBitmaps(chain.top.source) : undefined;
    const bitmapList = bitmaps ? bitmapsToCopy(bitmaps, opts.skipBrokenBitmaps ?? false, opts.warn) : [];
    const target = await openTarget(
      opts.target,
      { reuse: opts.reuseTarget, overwrite: opts.overwrite, durable: opts.durable },
      opts.files,
    );
    const watches = await Promise.all(chains.map((c) => watchSource(c)));
    let writing: 'no' | 'started' | 'appended' = 'no';
    let recover: (() => Promise<void>) | undefined;
    try {
      let sink;
      let copySize = size;
      if (opts.reuseTarget && opts.targetFormat === 'qcow2')
        ({ sink, copySize, recover } = await reusedQcow2Sink(engine, target, size, opts));
      else if (params) {
        const compress = opts.compress ? await compressorFor(params) : undefined;
        const wo: WriterOptions = { size, backing: opts.backing, compress };
        const w = new Qcow2Writer(target, params, wo);
        sink = bitmaps ? withBitmaps(w, wo, target, chain.top.source, bitmaps, bitmapList) : w;
      } else {
        if (opts.reuseTarget && target.size < size)
          throw new VdiskError('E_SIZE_MISMATCH', `target is ${target.size} bytes, the source needs ${size}`, {
            path: target.name,
          });
        sink = new RawSink(target, size, target.startsZero || (opts.targetIsZero ?? false), opts.reuseTarget);
      }
      const copyOpts = { ...opts, shallow: opts.backing !== undefined, targetSize: copySize };
      writing = recover ? 'appended' : 'started';
      const r =
        chains.length > 1
          ? await copyConcat(engine, chains, sink, copyOpts)
          : await copyChain(engine, chain, sink, copyOpts);
      for (const w of watches) await w.check();
      await target.commit();
      return r;
    } catch (e) {
      const state =
        opts.reuseTarget && writing !== 'no' ? await reusedState(opts.targetFormat, writing, recover) : undefined;
      await target.abort();
      if (state && isVdiskError(e)) e.detail.targetState = state;
      throw e;
    }
  } finally {
    for (const c of chains) await c.close();
  }
}

/**
 * What a failed -n copy left in the target, for the error. A qcow2 target edited in place keeps
 * valid metadata at every point (editor.ts flush order); an empty one written anew for -c is the
 * old image until the new header is written, and the appended part is cut off.
 */
async function reusedState(
  fmt: ImageFormat,
  writing: 'started' | 'appended',
  recover?: () => Promise<void>,
): Promise<string> {
  const again = "repeat the copy to get the source's content";
  if (fmt !== 'qcow2') return `kept, partly written (raw: old and new bytes mixed); ${again}`;
  if (writing === 'started')
    return `kept as a valid qcow2 image, partly written (old and new clusters mixed, at most leaked clusters that \`vdisk check -r leaks\` frees); ${again}`;
  try {
    await recover!();
    return `kept as it was, a valid, empty qcow2 image (its creation options and backing file unchanged); ${again}`;
  } catch {
    return 'possibly left with a partly written header (the copy failed while writing it); check it with `vdisk check`, recreate it with `vdisk create` if it does not open, then repeat the copy';
  }
}

/** qemu-img's limits on --bitmaps: one source, a new qcow2 v3 target of the source's size. */
function checkBitmapOptions(o: ConvertOptions, sources: number, version: number | undefined, resized: boolean): void {
  const no = (why: string) => {
    throw new VdiskError('E_BAD_OPTION', `--bitmaps: ${why}`, { hint: 'leave out --bitmaps' });
  };
  if (sources > 1) no('copying bitmaps is only possible with a single source');
  if (version !== 3) no('the target format does not support bitmaps (qcow2 v3 only)');
  if (o.reuseTarget) no('not supported with -n');
  if (resized) no("the target must have the source's size");
}

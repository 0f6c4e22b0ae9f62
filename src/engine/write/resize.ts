// resizeImage: qemu-img resize. Raw: the file is truncated (sparse when growing). qcow2: the virtual
// size in the header changes last; growing past the L1 table writes a larger one first, shrinking
// (only with `shrink`, as qemu-img asks for --shrink) first unmaps every cluster past the new end.
import type { ImageFormat } from '../gate.js';
import { Qcow2Editor } from './qcow2/editor.js';
import { engineFor, openSourceChain, refuseDirty, type OpenCommon } from './open.js';
import type { LongOp } from './progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface ResizeOptions extends LongOp, OpenCommon {
  image: string;
  format?: ImageFormat;
  /** The new size, or a change when `relative` is true (+/- in the CLI). */
  size: number;
  relative?: boolean;
  shrink?: boolean;
}

export async function resizeImage(o: ResizeOptions): Promise<void> {
  const engine = await engineFor(o);
  const chain = await openSourceChain(engine, o.image, o.format, { ...o, noBacking: true });
  const fmt = chain.top.facts.format;
  const old = chain.size;
  try { refuseDirty(chain, o.image); } finally { await chain.close(); }
  const size = o.relative ? old + o.size : o.size;
  if (!Number.isSafeInteger(size) || size < 0) throw new VdiskError('E_USAGE', `invalid new size ${size}`);
  if (size % 512 !== 0) throw new VdiskError('E_BAD_OPTION', 'the size must be a multiple of 512');
  if (size < old && !o.shrink) throw new VdiskError('E_SHRINK_NEEDS_FLAG', undefined, { path: o.image });
  const { NodeFileTarget } = await import('../../io/node-file-target.js');
  const t = await NodeFileTarget.create(o.image, { reuse: true });
  try {
    if (fmt === 'raw') { await t.truncate(size); return; }
    const ed = await Qcow2Editor.open(t);
    if (size < old) {
      const cs = ed.cs;
      const first = Math.ceil(size / cs);
      for (let gc = first; gc < Math.ceil(old / cs); gc++) {
        if (gc % ed.perL2 === 0 && (await ed.entry(gc)) && !(await ed.hasTable(gc))) { gc += ed.perL2 - 1; continue; }
        await ed.discardCluster(gc);
      }
    }
    await ed.setSize(size);
    await ed.flush();
  } finally {
    await t.commit();
  }
}

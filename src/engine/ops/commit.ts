// commitImage: qemu-img commit. Everything the layers above the base allocate is written into the
// base (whole base clusters, read through the chain, so partly covered clusters keep the base's own
// bytes); the base is flushed; only then is the top emptied (-d keeps it; -b implies -d, as in qemu-img).
// A kill at any point leaves a chain that reads as before: the base's changed clusters hold what the
// layers above show anyway, and emptying the top replaces it atomically (temporary name + rename).
import type { ImageFormat } from '../read/gate.js';
import type { Chain } from '../read/chain.js';
import { copyChain } from '../copy/copier.js';
import { EditSink, RawEditSink } from '../copy/edit-sink.js';
import { Qcow2Editor } from '../qcow2/editor.js';
import { engineFor, openSourceChain, openTarget, refuseDirty, type FileAccess, type OpenCommon } from './open.js';
import { emptyQcow2 } from './empty.js';
import type { LongOp } from './progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface CommitOptions extends LongOp, OpenCommon {
  image: string;
  format?: ImageFormat;
  /** -b: the layer to commit into (default: the image's backing file); implies drop. */
  base?: string;
  /** -d: leave the top as it is (qemu-img empties it by default). */
  drop?: boolean;
}

async function baseIndex(chain: Chain, base: string | undefined, files: FileAccess | undefined): Promise<number> {
  if (chain.layers.length < 2)
    throw new VdiskError('E_NOT_IN_CHAIN', 'the image has no backing file to commit into', {
      path: chain.top.source.name,
    });
  if (base === undefined) return 1;
  const identity = files?.identity ?? (async (name: string) => name);
  const want = await identity(base);
  for (let i = 1; i < chain.layers.length; i++) {
    const l = chain.layers[i]!;
    if ((await identity(l.resolved ?? l.source.name)) === want) return i;
  }
  throw new VdiskError('E_NOT_IN_CHAIN', undefined, { path: base });
}

export async function commitImage(o: CommitOptions): Promise<{ bytesRead: number; bytesWritten: number }> {
  const engine = await engineFor(o);
  const chain = await openSourceChain(engine, o.image, o.format, o);
  let r: { bytesRead: number; bytesWritten: number } | undefined;
  let top:
    | {
        name: string;
        format: string;
        size: number;
        backing?: { name: string; format: string };
        cluster: number;
        compat: string;
      }
    | undefined;
  try {
    refuseDirty(chain, o.image);
    const idx = await baseIndex(chain, o.base, o.files);
    const f = chain.top.facts;
    const empties = !o.drop && o.base === undefined && f.format === 'qcow2';
    // Refused before anything is written: the base must not change when the top cannot be emptied.
    if (empties && f.nbSnapshots > 0)
      throw new VdiskError('E_SNAPSHOTS_PRESENT', 'the top keeps internal snapshots; commit with -d', {
        path: o.image,
      });
    const layer = chain.layers[idx]!;
    const basePath = layer.resolved ?? layer.source.name;
    const target = await openTarget(basePath, { reuse: true }, o.files);
    try {
      let sink;
      if (layer.facts.format === 'qcow2') {
        const ed = await Qcow2Editor.open(target);
        if (ed.h.size < chain.size) await ed.setSize(chain.size);
        sink = new EditSink(ed);
      } else {
        if (target.size < chain.size) await target.truncate(chain.size);
        sink = new RawEditSink(target);
      }
      r = await copyChain(engine, chain, sink, { ...o, aboveDepth: idx, phase: 'commit' });
    } finally {
      await target.commit();
    }
    if (empties) {
      top = {
        name: o.image,
        format: 'qcow2',
        size: f.size,
        cluster: 2 ** f.clusterBits,
        compat: f.version === 2 ? '0.10' : '1.1',
        backing: f.backingName !== undefined ? { name: f.backingName, format: f.backingFormat ?? 'raw' } : undefined,
      };
    }
  } finally {
    await chain.close();
  }
  if (top) {
    o.onProgress?.({ phase: 'empty', done: 0, total: 1 });
    await emptyQcow2(engine, o.image, o.files);
    o.onProgress?.({ phase: 'empty', done: 1, total: 1 });
  }
  return r!;
}

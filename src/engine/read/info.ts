// What `vdisk info` prints for a chain: the same JSON as `qemu-img info --output=json`, key for key.
// Part of the engine's read side: the CLI, the worker and the console all ask the chain for it here.
import {
  AUTOCLEAR_DATA_FILE_RAW,
  COMPAT_LAZY_REFCOUNTS,
  INCOMPAT_CORRUPT,
  INCOMPAT_DATA_FILE,
  INCOMPAT_DIRTY,
} from '../../../assembly/qcow2/format';
import type { Chain, Layer } from './chain.js';
import type { Engine } from '../core/engine.js';
import { listBitmaps, listSnapshots } from './listing.js';

export async function layerInfo(layer: Layer, engine?: Engine): Promise<Record<string, unknown>> {
  const f = layer.facts;
  // qemu-img lists `snapshots` only when the table has entries (QAPI has_snapshots), first in its output.
  const snapshots = engine && f.format === 'qcow2' && f.nbSnapshots > 0 ? await listSnapshots(engine, layer.slot) : [];
  const info: Record<string, unknown> = {
    ...(snapshots.length > 0 ? { snapshots } : {}),
    'virtual-size': f.size,
    filename: layer.resolved ?? layer.source.name,
    format: f.format,
    'actual-size': await allocated(layer),
  };
  if (f.format === 'qcow2') {
    info['cluster-size'] = 2 ** f.clusterBits;
    const bitmaps = engine && f.version === 3 && f.nbBitmaps > 0 ? await listBitmaps(engine, layer.slot) : [];
    info['format-specific'] = { type: 'qcow2', data: qcow2Specific(layer, bitmaps) };
  }
  if (f.backingName !== undefined) {
    info['backing-filename'] = f.backingName;
    info['full-backing-filename'] = resolveName(f.backingName, layer.resolved ?? layer.source.name);
    if (f.backingFormat !== undefined) info['backing-filename-format'] = f.backingFormat;
  }
  info['dirty-flag'] = f.format === 'qcow2' && (f.incompat & INCOMPAT_DIRTY) !== 0;
  return info;
}

function qcow2Specific(layer: Layer, bitmaps: unknown[]): Record<string, unknown> {
  const f = layer.facts;
  const data: Record<string, unknown> = {
    compat: f.version === 2 ? '0.10' : '1.1',
    'compression-type': f.compressionType === 1 ? 'zstd' : 'zlib',
  };
  if (f.version === 3) {
    data['lazy-refcounts'] = (f.compat & COMPAT_LAZY_REFCOUNTS) !== 0;
    // Version 3 only, and only with a non-empty directory (qcow2_get_bitmap_info_list gives NULL).
    if (bitmaps.length > 0) data.bitmaps = bitmaps;
  }
  data['refcount-bits'] = 2 ** f.refcountOrder;
  if (f.version === 3) {
    // The order qemu-img 7.2 prints them in (human and JSON alike).
    if (f.dataFileName !== undefined) data['data-file'] = f.dataFileName;
    if ((f.incompat & INCOMPAT_DATA_FILE) !== 0) data['data-file-raw'] = (f.autoclear & AUTOCLEAR_DATA_FILE_RAW) !== 0;
    data.corrupt = (f.incompat & INCOMPAT_CORRUPT) !== 0;
    data['extended-l2'] = f.extendedL2;
  }
  return data;
}

function resolveName(name: string, from: string): string {
  if (name.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(name)) return name;
  const slash = from.lastIndexOf('/');
  return slash < 0 ? name : `${from.slice(0, slash + 1)}${name}`;
}

async function allocated(layer: Layer): Promise<number | undefined> {
  // qemu-img 7.2 reports the image file alone, not its external data file.
  return layer.source.allocatedSize?.();
}

export async function chainInfo(chain: Chain, backingChain: boolean): Promise<unknown> {
  const engine = chain.engine; // listing snapshots and bitmaps needs the chain's engine
  if (!backingChain) return layerInfo(chain.top, engine);
  const out: Record<string, unknown>[] = [];
  for (const l of chain.layers) {
    const info = await layerInfo(l, engine); // one listing at a time: the engine keeps one
    // qemu names a backing layer by the path it opened: its child's full-backing-filename, unnormalised.
    const above = out[out.length - 1];
    if (above?.['full-backing-filename'] !== undefined) {
      info.filename = above['full-backing-filename'];
      if (info['backing-filename'] !== undefined)
        info['full-backing-filename'] = resolveName(info['backing-filename'] as string, info.filename as string);
    }
    out.push(info);
  }
  return out;
}

// `vdisk info`: the same JSON as `qemu-img info --output=json`, key for key.
import type { Chain, Layer } from '../../engine/chain.js';

const INCOMPAT_DIRTY = 1;
const INCOMPAT_CORRUPT = 2;
const INCOMPAT_DATA_FILE = 4;
const AUTOCLEAR_DATA_FILE_RAW = 2;

export async function layerInfo(layer: Layer): Promise<Record<string, unknown>> {
  const f = layer.facts;
  const info: Record<string, unknown> = {
    'virtual-size': f.size,
    filename: layer.resolved ?? layer.source.name,
    format: f.format,
    'actual-size': await allocated(layer),
  };
  if (f.format === 'qcow2') {
    info['cluster-size'] = 2 ** f.clusterBits;
    info['format-specific'] = { type: 'qcow2', data: qcow2Specific(layer) };
  }
  if (f.backingName !== undefined) {
    info['backing-filename'] = f.backingName;
    info['full-backing-filename'] = resolveName(f.backingName, layer.resolved ?? layer.source.name);
    if (f.backingFormat !== undefined) info['backing-filename-format'] = f.backingFormat;
  }
  info['dirty-flag'] = f.format === 'qcow2' && (f.incompat & INCOMPAT_DIRTY) !== 0;
  return info;
}

function qcow2Specific(layer: Layer): Record<string, unknown> {
  const f = layer.facts;
  const data: Record<string, unknown> = {
    compat: f.version === 2 ? '0.10' : '1.1',
    'compression-type': f.compressionType === 1 ? 'zstd' : 'zlib',
  };
  if (f.version === 3) {
    data['lazy-refcounts'] = (f.compat & 1) !== 0;
  }
  data['refcount-bits'] = 2 ** f.refcountOrder;
  if (f.version === 3) {
    data.corrupt = (f.incompat & INCOMPAT_CORRUPT) !== 0;
    data['extended-l2'] = f.extendedL2;
    if (f.dataFileName !== undefined) data['data-file'] = f.dataFileName;
    if ((f.incompat & INCOMPAT_DATA_FILE) !== 0) data['data-file-raw'] = (f.autoclear & AUTOCLEAR_DATA_FILE_RAW) !== 0;
  }
  return data;
}

function resolveName(name: string, from: string): string {
  if (name.startsWith('/') || /^[a-z][a-z0-9+.-]*:/i.test(name)) return name;
  const slash = from.lastIndexOf('/');
  return slash < 0 ? name : `${from.slice(0, slash + 1)}${name}`;
}

async function allocated(layer: Layer): Promise<number | undefined> {
  const a = await layer.source.allocatedSize?.();
  const b = layer.dataFile ? await layer.dataFile.allocatedSize?.() : 0;
  return a === undefined ? undefined : a + (b ?? 0);
}

export async function chainInfo(chain: Chain, backingChain: boolean): Promise<unknown> {
  if (!backingChain) return layerInfo(chain.top);
  return Promise.all(chain.layers.map(layerInfo));
}

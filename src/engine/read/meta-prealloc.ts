// QEMU's qcow2_detect_metadata_preallocation: when at least max(real*10/9, real+2) clusters have a
// non-zero refcount, where `real` is the clusters the file really stores, the image was created with
// preallocation=metadata and block status must ask the file where its holes are (BDRV_BLOCK_RECURSE).
// Reads only the refcount table and blocks (qcow2.txt "Host cluster management").
import type { Chain, Layer } from './chain.js';
import type { Engine } from '../core/engine.js';
import * as K from '../../../assembly/keys';
import { OFFSET_MASK_64 } from '../qcow2/host-offset.js';

async function readAt(layer: Layer, offset: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  const n = Math.max(0, Math.min(length, layer.source.size - offset));
  for (let done = 0; done < n; ) {
    const r = await layer.source.pread(buf.subarray(done, n), offset + done);
    if (r <= 0) break;
    done += r;
  }
  return buf;
}

function nonZeroEntries(block: Uint8Array, bits: number, limit: number): number {
  let count = 0;
  const entries = Math.min(limit, (block.length * 8) / bits);
  for (let i = 0; i < entries; i++) {
    if (bits < 8) count += (block[(i * bits) >> 3]! >> ((i * bits) & 7)) & ((1 << bits) - 1) ? 1 : 0;
    else {
      const bytes = bits >> 3;
      let nz = 0;
      for (let b = 0; b < bytes; b++) nz |= block[i * bytes + b]!;
      count += nz ? 1 : 0;
    }
  }
  return count;
}

export async function detectMetaPrealloc(engine: Engine, layer: Layer): Promise<boolean> {
  if (layer.facts.format !== 'qcow2') return false;
  const allocated = await layer.source.allocatedSize?.();
  if (allocated === undefined) return false;
  const x = engine.x;
  const cluster = 2 ** layer.facts.clusterBits;
  const bits = 2 ** layer.facts.refcountOrder;
  const perBlock = (cluster * 8) / bits;
  const real = Math.floor(allocated / cluster);
  const threshold = Math.max(Math.floor((real * 10) / 9), real + 2);
  const endCluster = Math.ceil(layer.source.size / cluster);
  const table = await readAt(
    layer,
    x.layerGet(layer.slot, K.K_REFTABLE_OFFSET),
    x.layerGet(layer.slot, K.K_REFTABLE_CLUSTERS) * cluster,
  );
  const dv = new DataView(table.buffer);
  let count = 0;
  for (let i = 0; i * perBlock < endCluster && count < threshold && i * 8 < table.length; i++) {
    const off = Number(dv.getBigUint64(i * 8) & OFFSET_MASK_64);
    if (off === 0 || off >= layer.source.size) continue;
    count += nonZeroEntries(await readAt(layer, off, cluster), bits, endCluster - i * perBlock);
  }
  return count >= threshold;
}

/** Sets the flag on every qcow2 layer of the chain; `map` calls this before asking for runs. */
export async function markMetaPrealloc(engine: Engine, chain: Chain): Promise<void> {
  for (const l of chain.layers) engine.x.layerSetMetaPrealloc(l.slot, (await detectMetaPrealloc(engine, l)) ? 1 : 0);
}

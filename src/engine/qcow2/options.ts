// qcow2 creation options, named and checked as qemu-img create -o names them (block/qcow2.c
// qcow2_co_create_opts). Parsed once into a plain object every writer uses.
import { VdiskError } from '../../errors/vdisk-error.js';

export interface Qcow2CreateOptions {
  cluster_size?: number;
  compat?: '0.10' | '1.1';
  refcount_bits?: number;
  extended_l2?: boolean;
  lazy_refcounts?: boolean;
  compression_type?: 'zlib' | 'zstd';
  preallocation?: 'off' | 'metadata';
}

export interface Qcow2Params {
  clusterBits: number;
  version: 2 | 3;
  refcountOrder: number;
  extL2: boolean;
  lazyRefcounts: boolean;
  zstd: boolean;
  prealloc: boolean;
}

const bad = (m: string) => new VdiskError('E_BAD_OPTION', m, { field: 'options' });
const onOff = (v: string, k: string) => {
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  throw bad(`${k} must be on or off`);
};

/** Parses qemu-img's `-o k=v,k=v` text (size suffixes as qemu-img: k, M, G, T). */
export function parseOptionString(
  text: string,
): Qcow2CreateOptions & { size?: number; backing_file?: string; backing_fmt?: string } {
  const out: Record<string, unknown> = {};
  for (const part of text.split(',').filter(Boolean)) {
    const [k, v = ''] = part.split('=', 2) as [string, string];
    if (k === 'cluster_size' || k === 'refcount_bits' || k === 'size') out[k] = parseSize(v);
    else if (k === 'extended_l2' || k === 'lazy_refcounts') out[k] = onOff(v, k);
    else if (k === 'compat') out[k] = v === 'v3' ? '1.1' : v === 'v2' ? '0.10' : v;
    else if (['compression_type', 'preallocation', 'backing_file', 'backing_fmt'].includes(k)) out[k] = v;
    else throw bad(`unsupported option ${k}`);
  }
  return out;
}

export function parseSize(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kKmMgGtTpPeE]?)[bB]?$/.exec(v.trim());
  if (!m) throw bad(`invalid size ${v}`);
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50, e: 2 ** 60 }[m[2]!.toLowerCase()]!;
  return Math.round(Number(m[1]) * mult);
}

export function qcow2Params(o: Qcow2CreateOptions = {}, backed = false): Qcow2Params {
  const cs = o.cluster_size ?? 65536;
  const clusterBits = Math.log2(cs);
  if (!Number.isInteger(clusterBits) || clusterBits < 9 || clusterBits > 21)
    throw bad('cluster_size must be a power of two between 512 and 2M');
  const version = o.compat === '0.10' ? 2 : 3;
  if (o.compat && o.compat !== '0.10' && o.compat !== '1.1') throw bad(`compat ${o.compat} is not 0.10 or 1.1`);
  const rb = o.refcount_bits ?? 16;
  const refcountOrder = Math.log2(rb);
  if (!Number.isInteger(refcountOrder) || refcountOrder < 0 || refcountOrder > 6)
    throw bad('refcount_bits must be a power of two up to 64');
  if (version === 2 && rb !== 16) throw bad('compat=0.10 requires refcount_bits=16');
  const extL2 = o.extended_l2 ?? false;
  if (extL2 && (version === 2 || clusterBits < 14))
    throw bad('extended_l2 needs compat=1.1 and clusters of at least 16 KiB');
  const lazy = o.lazy_refcounts ?? false;
  if (lazy && version === 2) throw bad('lazy_refcounts needs compat=1.1');
  const zstd = o.compression_type === 'zstd';
  if (o.compression_type && o.compression_type !== 'zlib' && !zstd)
    throw bad(`compression_type ${o.compression_type} is not zlib or zstd`);
  if (zstd && version === 2) throw bad('compression_type=zstd needs compat=1.1');
  const pre = o.preallocation ?? 'off';
  if (pre !== 'off' && pre !== 'metadata') throw bad(`preallocation=${pre} is not supported (off, metadata)`);
  if (pre === 'metadata' && backed) throw bad('preallocation and a backing file cannot be used together');
  return { clusterBits, version, refcountOrder, extL2, lazyRefcounts: lazy, zstd, prealloc: pre === 'metadata' };
}

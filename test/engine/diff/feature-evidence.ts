// For each fixture, the sign in qemu-img's own output that the image has its feature.
import { expect } from 'vitest';
import type { MapEntry, QemuFacts } from '../../fixtures/qemu-facts.js';

type Evidence = (facts: QemuFacts) => void;

const spec = (f: QemuFacts) => f.info['format-specific']?.data ?? {};
const some = (map: MapEntry[], p: (e: MapEntry) => boolean) => expect(map.some(p), JSON.stringify(map)).toBe(true);
const hasHole = (f: QemuFacts) => some(f.map, (e) => e.zero && !e.data);
const hasData = (f: QemuFacts) => some(f.map, (e) => e.data && !e.zero);
/** A compressed cluster has data but no plain host offset. */
const hasCompressed = (f: QemuFacts) => some(f.map, (e) => e.data && e.offset === undefined);
/** A v3 zero cluster: present, reads as zero, not data. */
const hasZeroCluster = (f: QemuFacts) => some(f.map, (e) => e.present && e.zero && !e.data && e.depth === 0);
const clean = (f: QemuFacts) => expect(f.check.status).toBe(0);
const depth = (f: QemuFacts, n: number) => expect(f.chain).toHaveLength(n);

const clusterEvidence = Object.fromEntries(
  [9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21].map((bits) => {
    const c = 1 << bits;
    const name = `qcow2-cluster-${c >= 1024 ? `${c / 1024}k` : `${c}b`}`;
    return [name, (f: QemuFacts) => (expect(f.info['cluster-size']).toBe(c), hasData(f), hasZeroCluster(f), clean(f))];
  }),
);
const refcountEvidence = Object.fromEntries(
  [1, 2, 4, 8, 16, 32, 64].map((bits) => [
    `qcow2-refcount-bits-${bits}`,
    (f: QemuFacts) => (expect(spec(f)['refcount-bits']).toBe(bits), clean(f)),
  ]),
);

export const FEATURE_EVIDENCE: Record<string, Evidence> = {
  'raw-sparse': (f) => (expect(f.map).toHaveLength(1), hasHole(f), expect(f.info['actual-size']).toBe(0)),
  'raw-created': (f) => (expect(f.map[0]).toMatchObject({ start: 0, length: 4096, data: true }), hasHole(f)),
  'raw-data': (f) => (expect(f.map).toHaveLength(1), hasData(f)),
  'raw-holes': (f) => (hasHole(f), hasData(f), expect(f.map.length).toBeGreaterThanOrEqual(8)),
  'raw-odd-size': (f) => expect(f.info['virtual-size'] % 512).toBe(0),
  'qcow2-v2': (f) => (expect(spec(f).compat).toBe('0.10'), hasData(f), clean(f)),
  'qcow2-v3-empty': (f) => (expect(spec(f).compat).toBe('1.1'), expect(f.map).toHaveLength(1), clean(f)),
  ...clusterEvidence,
  ...refcountEvidence,
  'qcow2-lazy-refcounts': (f) => (
    expect(spec(f)['lazy-refcounts']).toBe(true), expect(f.info['dirty-flag']).toBe(false), clean(f)
  ),
  'qcow2-dirty': (f) => (expect(f.info['dirty-flag']).toBe(true), hasData(f), expect(f.check.status).toBe(2)),
  'qcow2-zero-clusters': (f) => (
    hasZeroCluster(f), some(f.map, (e) => e.zero && !e.data && e.offset !== undefined), clean(f)
  ),
  'qcow2-extended-l2': (f) => (
    expect(spec(f)['extended-l2']).toBe(true),
    some(f.map, (e) => e.length < 65536 && e.data),
    hasZeroCluster(f),
    clean(f)
  ),
  'qcow2-extended-l2-16k': (f) => (
    expect(spec(f)['extended-l2']).toBe(true), some(f.map, (e) => e.length === 512 && e.data), clean(f)
  ),
  'qcow2-compressed-zlib': (f) => (
    expect(spec(f)['compression-type']).toBe('zlib'),
    hasCompressed(f),
    expect(f.check.report['compressed-clusters']).toBeGreaterThan(0)
  ),
  'qcow2-compressed-zstd': (f) => (expect(spec(f)['compression-type']).toBe('zstd'), hasCompressed(f), clean(f)),
  'qcow2-compressed-zlib-4k': (f) => (expect(f.info['cluster-size']).toBe(4096), hasCompressed(f), clean(f)),
  'qcow2-compressed-zstd-2m': (f) => (
    expect(f.info['cluster-size']).toBe(2 << 20),
    expect(spec(f)['compression-type']).toBe('zstd'),
    hasCompressed(f),
    clean(f)
  ),
  'qcow2-compressed-rewritten': (f) => (
    hasCompressed(f), hasZeroCluster(f), some(f.map, (e) => e.data && e.offset !== undefined), clean(f)
  ),
  'qcow2-data-file': (f) => (
    expect(spec(f)['data-file']).toBe('df.data'), expect(spec(f)['data-file-raw']).toBe(false), clean(f)
  ),
  'qcow2-data-file-raw': (f) => (
    expect(spec(f)['data-file']).toMatch(/^\/.*dfr.data$/), expect(spec(f)['data-file-raw']).toBe(true), clean(f)
  ),
  'qcow2-snapshots': (f) => (expect(f.info.snapshots.map((s: any) => s.name)).toEqual(['first', 'second']), clean(f)),
  'qcow2-bitmaps': (f) => (
    expect(
      spec(f)
        .bitmaps.map((b: any) => b.name)
        .sort(),
    ).toEqual(['disabled', 'enabled']),
    clean(f)
  ),
  'qcow2-preallocation-metadata': (f) => (
    expect(f.map.every((e) => e.present)).toBe(true), some(f.map, (e) => e.zero && e.data)
  ),
  'qcow2-preallocation-falloc': (f) => (expect(f.map.every((e) => e.present)).toBe(true), clean(f)),
  'qcow2-preallocation-full': (f) => (expect(f.map.every((e) => e.present)).toBe(true), clean(f)),
  'chain-raw-qcow2-qcow2': (f) => (
    depth(f, 3),
    expect(f.chain[2].format).toBe('raw'),
    expect(f.info['backing-filename']).toBe('mid.qcow2'),
    expect(f.chain[1]['backing-filename']).toBe('../base/base.raw'),
    some(f.map, (e) => e.depth === 2 && e.data)
  ),
  'chain-subdir-absolute': (f) => (
    depth(f, 3),
    expect(f.chain[1]['backing-filename']).toBe('sub/base.qcow2'),
    expect(f.info['backing-filename']).toMatch(/^\//)
  ),
  'chain-overlay-smaller': (f) => (
    depth(f, 2), expect(f.info['virtual-size']).toBeLessThan(f.chain[1]['virtual-size'])
  ),
  'chain-mixed-cluster-sizes': (f) => (
    depth(f, 3), expect(f.chain.map((l) => l['cluster-size'])).toEqual([4096, 65536, 512])
  ),
  'chain-zero-over-backing': (f) => (depth(f, 2), hasZeroCluster(f), some(f.map, (e) => e.depth === 1 && e.data)),
  'chain-extended-l2-over-backing': (f) => (
    depth(f, 2), some(f.map, (e) => e.depth === 1 && e.data && e.length % 65536 !== 0)
  ),
  'chain-v2-over-v2': (f) => (depth(f, 2), expect(spec(f).compat).toBe('0.10')),
  'chain-unrecorded-backing-format': (f) => (
    expect(f.info['backing-filename']).toBe('base.raw'), expect(f.info['backing-filename-format']).toBeUndefined()
  ),
};

// Runs the engine's consistency check on one open qcow2 layer and collects the counts qemu-img's
// collect_image_check gathers (qemu-img.c), in the order dump_json_image_check prints them.
import type { Engine } from '../core/engine.js';
import type { EngineExports } from '../core/load.js';
import type { Layer } from './chain.js';

export interface CheckReport {
  checkErrors: number;
  corruptions: number;
  leaks: number;
  imageEndOffset: number;
  totalClusters: number;
  allocatedClusters: number;
  fragmentedClusters: number;
  compressedClusters: number;
  /** Set after `check -r` repaired something (qemu-img keeps them from the repairing pass). */
  corruptionsFixed?: number;
  leaksFixed?: number;
}

/** What `check -r` needs beyond the counts (assembly/qcow2/check/run.ts keys 8..14). */
export interface CheckDetail {
  report: CheckReport;
  rebuild: boolean;
  oflagCorruptions: number;
  compareCorruptions: number;
  /** Per host cluster of the file: the refcount the metadata implies and the stored one (0xffffffff unreadable). */
  expected: Uint32Array;
  stored: Uint32Array;
  /** Clusters past the end of the file that metadata uses: [index, computed refcount]. */
  extra: [number, number][];
  /** File offsets of L2 entries `-r all` rewrites as plain zero clusters (unaligned, no data; capped). */
  zeroFixes: number[];
  /** Snapshot table entries: v3 ones with < 16 bytes of extra data, ones with > 1 KiB of it. */
  snapIncomplete: number;
  snapExtraTooBig: number;
  /** Snapshot entries past QEMU's 64 MiB table limit (counted there as one failed read). */
  snapDropped: number;
}

export async function checkLayer(engine: Engine, layer: Layer): Promise<CheckReport> {
  return (await checkLayerDetail(engine, layer, false)).report;
}

/** A host cluster whose stored refcount differs from the one the metadata implies (0xffffffff: unreadable). */
export type RefcountMismatch = (cluster: number, stored: number, expected: number) => void;

/**
 * qemu-img check's line for a mismatch (qcow2-refcount.c compare_refcounts): more stored than used
 * is a leak, fewer an error, and "Repairing" what the fix mode fixes (leaks with -r leaks or all,
 * errors with -r all; a stored 0 needs a rebuild instead).
 */
export function mismatchLine(
  cluster: number,
  stored: number,
  expected: number,
  fix: 'none' | 'leaks' | 'all' = 'none',
): string {
  if (stored === 0xffffffff) return `Can't get refcount for cluster ${cluster}: Input/output error`;
  const fixed = stored !== 0 && ((stored > expected && fix !== 'none') || (stored < expected && fix === 'all'));
  return `${fixed ? 'Repairing' : stored < expected ? 'ERROR' : 'Leaked'} cluster ${cluster} refcount=${stored} reference=${expected}`;
}

/**
 * Every cluster whose counts differ, in cluster order, as compare_refcounts walks them, and the
 * cluster just past the end of the file where metadata uses it (QEMU's array grows by it; nothing
 * is stored there). Clusters further out are corruptions QEMU reports without a refcount line.
 */
function eachMismatch(
  expected: Uint32Array,
  stored: Uint32Array,
  extra: [number, number][],
  fn: RefcountMismatch,
): void {
  for (let i = 0; i < expected.length; i++) if (expected[i] !== stored[i]) fn(i, stored[i]!, expected[i]!);
  const end = extra.find(([k]) => k === expected.length);
  if (end && end[1] > 0) fn(end[0], 0, end[1]);
}

/** Every mismatch of a check run with arrays, as compare_refcounts prints them under `fix`. */
export function sayMismatches(d: CheckDetail, fix: 'none' | 'leaks' | 'all', say: (line: string) => void): void {
  eachMismatch(d.expected, d.stored, d.extra, (c, got, want) => say(`${mismatchLine(c, got, want, fix)}\n`));
}

/**
 * Whether QEMU's plain read of the snapshot table fails (an entry with over 1 KiB of extra data, a
 * table past 64 MiB): its check stops there, before it compares any refcount.
 */
export function snapshotTableUnreadable(d: Pick<CheckDetail, 'snapExtraTooBig' | 'snapDropped'>): boolean {
  return d.snapExtraTooBig > 0 || d.snapDropped > 0;
}

/**
 * The check, and with `arrays` a copy of the refcounts it computed and read (for repairs).
 * `onMismatch` hears of every cluster whose counts differ, in cluster order, without a copy.
 */
/**
 * qemu-img's other stderr lines of a check (no repair), from the engine's findings (check/state.ts):
 * what the walk and the refcount table check find (regions past the end of the file, unaligned
 * tables and clusters) comes before the refcount lines, OFLAG_COPIED findings after them.
 */
function eventLines(
  rx: Pick<EngineExports, 'checkEventCount' | 'checkEvent' | 'checkEventHi'>,
  before: boolean,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < rx.checkEventCount(); i++) {
    // u64 fields in two halves (an entry's flag bits are past 2^53).
    const [kind, a, b, c] = [0, 1, 2, 3].map(
      (f) => (BigInt(rx.checkEventHi(i, f)) << 32n) | BigInt(rx.checkEvent(i, f)),
    );
    const hex = (v: bigint | undefined) => v!.toString(16);
    if (before && kind === 1n)
      out.push(
        `ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x${hex(a)} size 0x${hex(b)}`,
      );
    if (before && kind === 4n) out.push(`ERROR l2_offset=${hex(a)}: Table is not cluster aligned; L1 entry corrupted`);
    if (before && kind === 5n)
      out.push(`ERROR offset=${hex(a)}: Data cluster is not properly aligned; L2 entry corrupted.`);
    if (before && kind === 7n)
      out.push(`ERROR offset=${hex(a)}: Preallocated cluster is not properly aligned; L2 entry corrupted.`);
    if (before && kind === 6n)
      out.push(`ERROR refcount block ${a} is not cluster aligned; refcount table entry corrupted`);
    if (!before && kind === 2n)
      out.push(`ERROR OFLAG_COPIED L2 cluster: l1_index=${a} l1_entry=${hex(b)} refcount=${c}`);
    if (!before && kind === 3n) out.push(`ERROR OFLAG_COPIED data cluster: l2_entry=${hex(a)} refcount=${b}`);
  }
  return out;
}

export async function checkLayerDetail(
  engine: Engine,
  layer: Layer,
  arrays = true,
  onMismatch?: RefcountMismatch,
  onLine?: (line: string) => void,
): Promise<CheckDetail> {
  const x = engine.x;
  try {
    await engine.drive(() => x.checkRun(layer.slot));
    const v = (k: number) => x.checkValue(k);
    const report = {
      checkErrors: v(0),
      corruptions: v(1),
      leaks: v(2),
      imageEndOffset: v(3),
      totalClusters: v(4),
      allocatedClusters: v(5),
      fragmentedClusters: v(6),
      compressedClusters: v(7),
    };
    const extra: [number, number][] = [];
    for (let i = 0; (arrays || onMismatch) && i < v(14); i++) extra.push([x.checkExtra(i, 0), x.checkExtra(i, 1)]);
    const readable = !snapshotTableUnreadable({ snapExtraTooBig: v(18), snapDropped: v(19) });
    if (onLine) for (const l of eventLines(x, true)) onLine(l);
    if (onMismatch && readable) {
      const view = (ptr: number) => new Uint32Array(x.memory.buffer, ptr, v(13)); // in place: no copy
      eachMismatch(view(v(11)), view(v(12)), extra, onMismatch);
    }
    if (onLine && readable) for (const l of eventLines(x, false)) onLine(l);
    const n = arrays ? v(13) : 0;
    const copy = (ptr: number) => new Uint32Array(x.memory.buffer.slice(ptr, ptr + n * 4));
    const zeroFixes: number[] = [];
    for (let i = 0; arrays && i < v(15); i++) zeroFixes.push(x.checkZeroFix(i));
    return {
      report,
      rebuild: v(8) === 1,
      oflagCorruptions: v(9),
      compareCorruptions: v(10),
      expected: copy(v(11)),
      stored: copy(v(12)),
      extra,
      zeroFixes,
      snapIncomplete: v(17),
      snapExtraTooBig: v(18),
      snapDropped: v(19),
    };
  } finally {
    x.checkEnd();
  }
}

/** qemu-img's ImageCheck as JSON: zero counts are left out, as QAPI's optional members are. */
export function checkJson(r: CheckReport, filename: string, format: string): Record<string, unknown> {
  const out: Record<string, unknown> = { filename, format, 'check-errors': r.checkErrors };
  const opt = (k: string, v: number) => {
    if (v !== 0) out[k] = v;
  };
  opt('image-end-offset', r.imageEndOffset);
  opt('corruptions', r.corruptions);
  opt('leaks', r.leaks);
  opt('corruptions-fixed', r.corruptionsFixed ?? 0);
  opt('leaks-fixed', r.leaksFixed ?? 0);
  opt('total-clusters', r.totalClusters);
  opt('allocated-clusters', r.allocatedClusters);
  opt('fragmented-clusters', r.fragmentedClusters);
  opt('compressed-clusters', r.compressedClusters);
  return out;
}

/** dump_human_image_check. */
export function checkHuman(r: CheckReport): string {
  let s = '';
  if (!(r.corruptions || r.leaks || r.checkErrors)) s += 'No errors were found on the image.\n';
  else {
    if (r.corruptions)
      s += `\n${r.corruptions} errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n`;
    if (r.leaks)
      s += `\n${r.leaks} leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n`;
    if (r.checkErrors) s += `\n${r.checkErrors} internal errors have occurred during the check.\n`;
  }
  if (r.totalClusters !== 0 && r.allocatedClusters !== 0) {
    const pct = (a: number, b: number) => ((a * 100) / b).toFixed(2);
    s +=
      `${r.allocatedClusters}/${r.totalClusters} = ${pct(r.allocatedClusters, r.totalClusters)}% allocated, ` +
      `${pct(r.fragmentedClusters, r.allocatedClusters)}% fragmented, ${pct(r.compressedClusters, r.allocatedClusters)}% compressed clusters\n`;
  }
  if (r.imageEndOffset) s += `Image end offset: ${r.imageEndOffset}\n`;
  return s;
}

/** qemu-img check's exit code: 1 internal errors, 2 corruptions, 3 leaks only, 0 clean. */
export function checkExit(r: CheckReport): number {
  if (r.checkErrors) return 1;
  if (r.corruptions) return 2;
  return r.leaks ? 3 : 0;
}

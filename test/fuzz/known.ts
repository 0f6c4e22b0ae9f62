// Defects the fuzzer finds that are understood and not fixed yet, recognised from the image itself
// so nothing else hides behind them. Each is reported (and saved) as known, not counted as a failure;
// `--strict` counts them. Keep this list short: an entry is a bug to fix (docs/fuzz.md lists them).
import { OFFSET_MASK, parseHeader } from '../fixtures/qcow2-layout.js';
import type { Defect } from './protocol.js';

/** L2 entries the check walks beyond one walk per distinct L2 table, over which a slow check is explained. */
const REPEATED_WORK = 1 << 21;

/**
 * check_refcounts_l1 walks the L2 table of every L1 entry, also when many entries name the same
 * table (an L1 grown over data clusters): the work is l1_size × cluster/8, not bounded by the file.
 * QEMU's check does the same; the counts it reports depend on every repeated walk.
 */
function repeatedL2Work(bytes: Uint8Array): number {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const h = parseHeader(buf);
  if (h.clusterBits < 9 || h.clusterBits > 21) return 0;
  const seen = new Set<bigint>();
  let repeats = 0;
  for (let i = 0; i < h.l1Size && h.l1TableOffset + i * 8 + 8 <= buf.length; i++) {
    const off = buf.readBigUInt64BE(h.l1TableOffset + i * 8) & OFFSET_MASK;
    if (off === 0n) continue;
    if (seen.has(off)) repeats++;
    else seen.add(off);
  }
  return repeats * ((h.clusterSize / 8) * (h.extendedL2 ? 0.5 : 1));
}

export function knownDefect(d: Pick<Defect, 'kind' | 'step'>, bytes: Uint8Array): string | undefined {
  if ((d.kind === 'hang' || d.kind === 'slow') && d.step === 'check') {
    const work = repeatedL2Work(bytes);
    if (work >= REPEATED_WORK)
      return `check walks one L2 table once per L1 entry naming it: ${work} repeated L2 entries`;
  }
  return undefined;
}

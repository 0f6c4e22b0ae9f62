// One fuzz case against an engine already loaded in this thread: everything a hostile image meets
// when vdisk serves it — open with its chain (header facts, backing and data-file names through the
// gate), info's snapshot and bitmap listings, block status over the whole image, guest reads of the
// first data runs (compressed ones decompress), check, and on some cases measure and a convert into
// memory. A refusal with a specific code ends only its own step; a defect ends the case.
import type { Engine } from '../../src/engine/core/engine.js';
import type { Chain } from '../../src/engine/read/chain.js';
import { chainRunBatches, RUN } from '../../src/engine/read/block-status.js';
import { readGuest } from '../../src/engine/read/reader.js';
import { listBitmaps, listSnapshots } from '../../src/engine/read/listing.js';
import { checkLayerDetail } from '../../src/engine/read/check.js';
import { openSourceChain } from '../../src/engine/ops/open.js';
import { measureImage } from '../engine/helpers/node-ops.js';
import { convertImage } from '../engine/helpers/node-ops.js';
import { MemorySource } from '../../src/io/memory-source.js';
import { MemoryTarget } from '../../src/io/target.js';
import { MemoryGate } from './memory-gate.js';
import { judgeError, type Verdict } from './judge.js';
import type { FuzzCase } from './case-gen.js';

export const STEPS = ['open', 'info', 'map', 'read', 'check', 'measure', 'convert'] as const;
export type Step = (typeof STEPS)[number];

export interface CaseOutcome {
  /** Each step run: 'ok' or the code it was refused with. */
  steps: Partial<Record<Step, string>>;
  /** Milliseconds each step took (for the replay's story). */
  ms: Partial<Record<Step, number>>;
  defect?: { step: Step; kind: string; message: string };
}

/** Engine memory a case reads guest bytes into (a few compressed clusters), once per engine. */
export const READ_BYTES = 16 * 1024;
const MAX_READS = 4;
/** Converts only images this small: a raw target is materialised in JS memory. */
const CONVERT_MAX = 8 << 20;

export async function runCase(
  engine: Engine,
  readPtr: number,
  c: FuzzCase,
  onStep?: (s: Step) => void,
): Promise<CaseOutcome> {
  const out: CaseOutcome = { steps: {}, ms: {} };
  const gate = new MemoryGate({ ...c.base.siblings, [c.base.file]: c.bytes });
  // Half the cases give the medium's allocated size, which turns on the metadata-preallocation probe.
  const source = () =>
    new MemorySource(c.bytes, { name: c.base.file, allocatedSize: c.index % 2 ? c.bytes.length : undefined });
  const probeBacking = c.rng.below(4) === 0;
  const step = async (name: Step, body: () => Promise<void>): Promise<boolean> => {
    const t0 = performance.now();
    onStep?.(name);
    try {
      await body();
      out.steps[name] = 'ok';
      return true;
    } catch (e) {
      const v: Verdict = judgeError(e);
      out.steps[name] = v.code ?? 'defect';
      if (v.defect) out.defect = { step: name, ...v.defect };
      return false;
    } finally {
      out.ms[name] = performance.now() - t0;
    }
  };
  let chain: Chain | undefined;
  if (
    !(await step('open', async () => {
      chain = await openSourceChain(engine, source(), undefined, { gate, probeBacking });
    }))
  )
    return out;
  const ch = chain!;
  try {
    let ranges = [{ start: 0, length: Math.min(ch.size, READ_BYTES) }];
    await step('info', () => info(engine, ch));
    if (!out.defect)
      await step('map', async () => {
        ranges = await dataRuns(engine, ch);
      });
    if (!out.defect) await step('read', () => readRanges(engine, ch, readPtr, ranges));
    if (!out.defect && ch.top.facts.format === 'qcow2')
      await step('check', async () => {
        await checkLayerDetail(engine, ch.top, c.rng.below(4) === 0);
      });
  } finally {
    await ch.close();
  }
  if (out.defect) return out;
  if (c.rng.below(4) === 0) {
    await step('measure', async () => {
      await measureImage({ engine, gate, source: source(), targetFormat: 'qcow2', probeBacking });
    });
  }
  if (!out.defect && c.rng.below(16) === 0 && ch.size <= CONVERT_MAX) {
    const targetFormat = c.rng.below(2) ? 'qcow2' : 'raw';
    await step('convert', async () => {
      await convertImage({
        engine,
        gate,
        source: source(),
        target: new MemoryTarget(),
        targetFormat,
        durable: false,
        probeBacking,
        bitmaps: targetFormat === 'qcow2' && ch.top.facts.nbBitmaps > 0,
      });
    });
  }
  return out;
}

/** What `vdisk info` lists beyond the header facts: every layer's snapshots and bitmaps. */
async function info(engine: Engine, chain: Chain): Promise<void> {
  for (const l of chain.layers) {
    if (l.facts.format !== 'qcow2') continue;
    if (l.facts.nbSnapshots > 0) await listSnapshots(engine, l.slot);
    if (l.facts.version === 3 && l.facts.nbBitmaps > 0) await listBitmaps(engine, l.slot);
  }
}

/** Block status over the whole image; returns where the first data runs start (compressed first). */
async function dataRuns(engine: Engine, chain: Chain): Promise<{ start: number; length: number }[]> {
  const compressed: { start: number; length: number }[] = [];
  const data: { start: number; length: number }[] = [{ start: 0, length: Math.min(chain.size, READ_BYTES) }];
  for await (const batch of chainRunBatches(engine, chain)) {
    for (const r of batch) {
      if (!(r.flags & RUN.DATA)) continue;
      const list = r.flags & RUN.COMPRESSED ? compressed : data;
      if (list.length < MAX_READS) list.push({ start: r.start, length: r.length });
    }
  }
  return [...compressed, ...data].slice(0, MAX_READS);
}

async function readRanges(
  engine: Engine,
  chain: Chain,
  ptr: number,
  ranges: { start: number; length: number }[],
): Promise<void> {
  for (const r of ranges) {
    const len = Math.min(r.length, READ_BYTES, chain.size - r.start);
    if (len > 0) await readGuest(engine, chain, r.start, len, ptr);
  }
}

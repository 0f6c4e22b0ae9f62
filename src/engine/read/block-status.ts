// Block status of a chain as runs, from metadata only. Raw layers (and metadata-preallocated qcow2)
// are refined by the medium's own allocation (SEEK_DATA/SEEK_HOLE), as QEMU asks the file driver.
import type { Chain } from './chain.js';
import type { Engine } from '../core/engine.js';
import type { Extent } from '../../io/source.js';
import * as RR from '../../../assembly/run-record';

export const RUN = {
  ALLOCATED: RR.RUN_ALLOCATED,
  DATA: RR.RUN_DATA,
  ZERO: RR.RUN_ZERO,
  OFFSET: RR.RUN_OFFSET,
  COMPRESSED: RR.RUN_COMPRESSED,
  RAW: RR.RUN_RAW,
  RECURSE: RR.RUN_RECURSE,
  DATAFILE: RR.RUN_DATAFILE,
} as const;

export interface Run {
  start: number;
  length: number;
  flags: number;
  /** Host offset in the layer's file (or its data file with RUN.DATAFILE), when RUN.OFFSET. */
  host: number;
  depth: number;
  slot: number;
}

function readRuns(engine: Engine): Run[] {
  const n = engine.x.runCount();
  const dv = new DataView(engine.x.memory.buffer, engine.x.runsPtr(), n * RR.RUN_BYTES);
  const out: Run[] = [];
  for (let i = 0; i < n; i++) {
    const b = i * RR.RUN_BYTES;
    out.push({
      start: dv.getFloat64(b + RR.RR_START, true),
      length: dv.getFloat64(b + RR.RR_LENGTH, true),
      host: dv.getFloat64(b + RR.RR_HOST, true),
      flags: dv.getUint32(b + RR.RR_FLAGS, true),
      depth: dv.getUint32(b + RR.RR_DEPTH, true),
      slot: dv.getInt32(b + RR.RR_SLOT, true),
    });
  }
  return out;
}

/**
 * Every run of [start, start+length) through the chain, in order, a batch per engine call: a map of a
 * fragmented image has tens of thousands of runs, and an await per run would cost more than the map.
 */
export async function* chainRunBatches(
  engine: Engine,
  chain: Chain,
  start = 0,
  length = chain.size,
): AsyncGenerator<Run[]> {
  const end = Math.min(chain.size, start + length);
  let at = start;
  while (at < end) {
    let runs: Run[] = [];
    await engine.drive(() => {
      const rc = engine.x.chainStatus(chain.top.slot, at, end - at);
      if (rc === 0) runs = readRuns(engine);
      return rc;
    });
    if (runs.length === 0) break;
    const last = runs[runs.length - 1]!;
    at = last.start + last.length;
    if (!runs.some((r) => r.flags & (RUN.RAW | RUN.RECURSE))) {
      yield runs;
      continue;
    }
    const out: Run[] = [];
    for (const r of runs) {
      if (r.flags & (RUN.RAW | RUN.RECURSE)) out.push(...(await refine(chain, r)));
      else out.push(r);
    }
    yield out;
  }
}

/** Every run of [start, start+length) through the chain, one at a time. */
export async function* chainRuns(engine: Engine, chain: Chain, start = 0, length = chain.size): AsyncGenerator<Run> {
  for await (const batch of chainRunBatches(engine, chain, start, length)) yield* batch;
}

async function refine(chain: Chain, r: Run): Promise<Run[]> {
  const layer = chain.layers.find((l) => l.slot === r.slot)!;
  const file = r.flags & RUN.DATAFILE ? layer.dataFile! : layer.source;
  const fileEnd = Math.min(r.host + r.length, file.size);
  const extents: Extent[] =
    file.extents && fileEnd > r.host
      ? await file.extents(r.host, fileEnd - r.host)
      : [{ start: r.host, length: Math.max(0, fileEnd - r.host), data: true }];
  const base = r.flags & ~(RUN.RAW | RUN.RECURSE);
  const out: Run[] = [];
  let pos = r.start;
  for (const e of extents) {
    const flags = e.data ? base : r.flags & RUN.RAW ? (base & ~RUN.DATA) | RUN.ZERO : base | RUN.ZERO;
    out.push({ ...r, start: pos, length: e.length, host: e.start, flags });
    pos += e.length;
  }
  const tail = r.start + r.length - pos; // past the end of the file: reads as zeros (BDRV_BLOCK_EOF)
  if (tail > 0) {
    const flags = r.flags & RUN.RAW ? (base & ~RUN.DATA) | RUN.ZERO : base | RUN.ZERO;
    out.push({ ...r, start: pos, length: tail, host: r.host + (pos - r.start), flags });
  }
  return out;
}

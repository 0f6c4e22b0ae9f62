// One qcow2 layer of the map picture, walked in the file order of its L2 tables: the tables are read
// in planned spans (planned-reads.ts, reads ahead while the walk runs), each table's all-zero entries
// count as unallocated at once (the engine's L2 scan, l2-runs.ts) and only its used entries go to the
// chain walk. The buckets only sum bytes, so the order does not change the picture.
import type { Chain } from './chain.js';
import type { Engine } from '../core/engine.js';
import { chainRuns, type Run } from './block-status.js';
import * as K from '../../../assembly/keys';
import { PlannedReadSource, planSpans, plannedTimings } from './planned-reads.js';
import { L2Scanner, type L2Run } from './l2-runs.js';

import { L1_RESERVED_64 as L1_RESERVED, OFFSET_MASK_64 as OFFSET_MASK } from '../qcow2/host-offset.js';

/** A run no layer of `sub` allocates at depth 0: the picture's unallocated. */
const unallocated = (start: number, length: number): Run => ({ start, length, flags: 0, host: 0, depth: 1, slot: -1 });

/**
 * Walks [0, size) of `sub`'s top layer into `add`; false when the layer is not qcow2 or its L1 table
 * cannot be read (the caller walks it whole). `gap`: bytes between tables worth reading through.
 */
export async function plannedWalk(
  engine: Engine,
  sub: Chain,
  size: number,
  gap: number,
  add: (r: Run) => void,
): Promise<boolean> {
  const layer = sub.top;
  const src = layer.source;
  if (layer.facts.format !== 'qcow2' || size <= 0) return false;
  const l1Offset = engine.x.layerGet(layer.slot, K.K_L1_OFFSET);
  const l1Size = engine.x.layerGet(layer.slot, K.K_L1_SIZE);
  const cluster = 2 ** layer.facts.clusterBits;
  const entryBytes = layer.facts.extendedL2 ? 16 : 8;
  const perTable = cluster / entryBytes;
  if (l1Size <= 0 || l1Offset <= 0 || l1Offset + l1Size * 8 > src.size) return false;
  const l1 = new Uint8Array(l1Size * 8);
  if ((await src.pread(l1, l1Offset)) < l1.length) return false;
  const dv = new DataView(l1.buffer);
  const tables: { offset: number; start: number }[] = [];
  const engineRanges: [number, number][] = []; // damaged entries (the engine reports them) and past the L1 table
  let covered = 0;
  for (let j = 0; j < l1Size && j * perTable * cluster < size; j++) {
    const start = j * perTable * cluster;
    const length = Math.min(perTable * cluster, size - start);
    covered = start + length;
    const e = dv.getBigUint64(j * 8);
    const offset = Number(e & OFFSET_MASK);
    if (e === 0n) add(unallocated(start, length));
    else if (!(e & L1_RESERVED) && offset > 0 && offset % cluster === 0 && offset + cluster <= src.size)
      tables.push({ offset, start });
    else engineRanges.push([start, length]);
  }
  if (covered < size) engineRanges.push([covered, size - covered]);
  tables.sort((a, b) => a.offset - b.offset);
  const planned = new PlannedReadSource(
    src,
    planSpans(
      tables.map((t) => [t.offset, cluster]),
      src.size,
      undefined,
      gap,
    ),
  );
  engine.attachFile(layer.slot, false, planned);
  const scanner = new L2Scanner(engine, cluster);
  try {
    for (const t of tables) {
      const entries = Math.min(perTable, Math.ceil((size - t.start) / cluster));
      const bytes = await planned.view(t.offset, cluster);
      const t0 = performance.now();
      const runs: L2Run[] = bytes ? scanner.runs(bytes, entryBytes, entries) : [[0, entries, true]];
      const t1 = performance.now();
      plannedTimings.scanMs += t1 - t0;
      for (const [first, count, used] of runs) {
        const start = t.start + first * cluster;
        const length = Math.min(count * cluster, size - start);
        if (!used) add(unallocated(start, length));
        else for await (const r of chainRuns(engine, sub, start, length)) add(r);
      }
      plannedTimings.engineMs += performance.now() - t1;
    }
    for (const [start, length] of engineRanges) for await (const r of chainRuns(engine, sub, start, length)) add(r);
  } finally {
    scanner.free();
    engine.attachFile(layer.slot, false, src);
    await planned.close();
  }
  return true;
}

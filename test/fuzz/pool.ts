// Runs fuzz cases on worker threads, one per core, with a watchdog: the engine runs synchronously
// inside its calls, so a hang cannot be interrupted in the thread that runs it. The main thread
// watches each worker's current case index (shared memory); one case over the limit gets the worker
// terminated, the case recorded and a new worker started after it. A case that overran (or reported
// itself slow) is run again alone before it counts: only one that overruns twice is a defect, so a
// burst of load from other work on the machine does not fail a run.
import { Worker } from 'node:worker_threads';
import type { BaseImage } from './bases.js';
import { describeMutations, makeCase } from './case-gen.js';
import { knownDefect } from './known.js';
import { STEPS } from './run-case.js';
import { addTally, emptyTally, type Defect, type Tally, type WorkerInput, type WorkerMessage } from './protocol.js';

export interface PoolOptions {
  seed: number;
  start: number;
  count: number;
  workers: number;
  timeoutMs: number;
  memBoundBytes: number;
  workerFile: string;
  /** Test hook (WorkerInput.spinAt): cases that never return. */
  spinAt?: number[];
  onProgress?: (t: Tally) => void;
}

export interface PoolResult {
  /** Cases run: every index of the range (a hang ends its worker's tally of up to 250 ms unposted). */
  cases: number;
  /** What the workers reported, the shares' denominator. */
  tally: Tally;
  defects: Defect[];
  /** Cases that overran once but not when run again alone. */
  loadSpikes: number[];
  seconds: number;
}

const POLL_MS = 50;

interface Range {
  from: number;
  to: number;
  step: number;
  list?: number[];
}
interface Hang {
  index: number;
  step?: string;
}

/** Runs the cases of `ranges` (one worker each, restarted past a hang); resolves when all are done. */
function runWorkers(
  o: PoolOptions,
  bases: BaseImage[],
  ranges: Range[],
  tally: Tally,
  defects: Defect[],
  hangs: Hang[],
): Promise<void> {
  const heartbeat = new SharedArrayBuffer(8 * ranges.length);
  const beat = new Int32Array(heartbeat);
  return new Promise((resolve) => {
    let running = 0;
    const start = (slot: number, r: Range) => {
      running++;
      Atomics.store(beat, slot * 2, 0);
      const data: WorkerInput = {
        seed: o.seed,
        bases,
        ...r,
        memBoundBytes: o.memBoundBytes,
        slowMs: o.timeoutMs,
        heartbeat,
        slot,
        spinAt: o.spinAt,
      };
      const w = new Worker(o.workerFile, { workerData: data });
      let seen = 0;
      let since = Date.now();
      let ended = false;
      const finish = (next?: Range) => {
        if (ended) return;
        ended = true;
        clearInterval(timer);
        running--;
        if (next) start(slot, next);
        else if (running === 0) resolve();
      };
      // Past case `index`: the rest of this worker's share.
      const after = (index: number): Range | undefined => {
        if (r.list) {
          const rest = r.list.slice(r.list.indexOf(index) + 1);
          return rest.length ? { ...r, list: rest } : undefined;
        }
        return index + r.step < r.to ? { ...r, from: index + r.step } : undefined;
      };
      const timer = setInterval(() => {
        const cur = Atomics.load(beat, slot * 2);
        if (cur !== seen) {
          seen = cur;
          since = Date.now();
          return;
        }
        if (cur === 0 || Date.now() - since <= o.timeoutMs) return;
        hangs.push({ index: cur - 1, step: STEPS[Atomics.load(beat, slot * 2 + 1)] });
        void w.terminate();
        finish(after(cur - 1));
      }, POLL_MS);
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') {
          addTally(tally, m.tally);
          defects.push(...m.defects);
          o.onProgress?.(tally);
        } else if (m.type === 'done') finish();
      });
      w.on('error', (err) => {
        const cur = Atomics.load(beat, slot * 2) - 1;
        defects.push({ ...where(o.seed, cur, bases), kind: 'crash', message: `worker died: ${err?.stack ?? err}` });
        finish(cur >= 0 ? after(cur) : undefined);
      });
      w.on('exit', () => finish());
    };
    for (const [slot, r] of ranges.entries()) start(slot, r);
  });
}

function where(seed: number, index: number, bases: BaseImage[]): Pick<Defect, 'index' | 'base' | 'mutations'> {
  if (index < 0) return { index, base: '?', mutations: '?' };
  const c = makeCase(seed, index, bases);
  return { index, base: c.base.name, mutations: describeMutations(c) };
}

export async function runPool(o: PoolOptions, bases: BaseImage[]): Promise<PoolResult> {
  const t0 = Date.now();
  const tally = emptyTally();
  const defects: Defect[] = [];
  const hangs: Hang[] = [];
  const n = Math.max(1, Math.min(o.workers, o.count));
  const ranges = Array.from({ length: n }, (_, w) => ({ from: o.start + w, to: o.start + o.count, step: n }));
  await runWorkers(o, bases, ranges, tally, defects, hangs);
  // Second chance, one case at a time, for cases that overran or reported themselves slow.
  const suspects = [
    ...new Set([...hangs.map((h) => h.index), ...defects.filter((d) => d.kind === 'slow').map((d) => d.index)]),
  ].sort((a, b) => a - b);
  const kept = defects.filter((d) => d.kind !== 'slow');
  const loadSpikes: number[] = [];
  for (const index of suspects) {
    const again: Defect[] = [];
    const againHangs: Hang[] = [];
    await runWorkers(o, bases, [{ from: index, to: index + 1, step: 1 }], emptyTally(), again, againHangs);
    if (againHangs.length)
      kept.push({
        ...where(o.seed, index, bases),
        kind: 'hang',
        step: againHangs[0]!.step,
        message: `no answer within ${o.timeoutMs} ms, twice`,
      });
    else if (again.some((d) => d.kind === 'slow')) kept.push(...again.filter((d) => d.kind === 'slow'));
    else loadSpikes.push(index);
  }
  for (const d of kept) {
    if (d.index < 0) continue;
    const c = makeCase(o.seed, d.index, bases);
    d.known = knownDefect(d, c.bytes);
  }
  return {
    cases: o.count,
    tally,
    defects: kept.sort((a, b) => a.index - b.index),
    loadSpikes,
    seconds: (Date.now() - t0) / 1000,
  };
}

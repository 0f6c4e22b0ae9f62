// The fuzz loop, in a worker thread: one engine loaded once and reused case after case (recreated
// after a crash, a leak or when its memory passed the bound), progress posted in batches. The pool's
// watchdog reads the current index from shared memory and terminates this thread on a hang.
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { Engine } from '../../src/engine/core/engine.js';
import { loadEngineNode } from '../../src/host/load-node.js';
import { describeMutations, makeCase, scratchCopies } from './case-gen.js';
import { judgeError } from './judge.js';
import { READ_BYTES, runCase, STEPS, type Step } from './run-case.js';
import { emptyTally, type Defect, type WorkerInput, type WorkerMessage } from './protocol.js';

const input = workerData as WorkerInput;
const beat = new Int32Array(input.heartbeat);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

interface Loaded {
  engine: Engine;
  readPtr: number;
  baseline: number;
}

async function load(): Promise<Loaded> {
  const { exports, flavor } = await loadEngineNode();
  const engine = new Engine(exports, flavor);
  const readPtr = engine.x.alloc(READ_BYTES);
  return { engine, readPtr, baseline: engine.x.memoryInUse() };
}

function* indices(): Generator<number> {
  if (input.list) yield* input.list;
  else for (let i = input.from; i < input.to; i += input.step) yield i;
}

let e = await load();
const scratch = scratchCopies(input.bases);
let tally = emptyTally();
let defects: Defect[] = [];
let lastPost = performance.now();
for (const index of indices()) {
  Atomics.store(beat, input.slot * 2, index + 1);
  if (input.spinAt?.includes(index)) for (;;);
  const c = makeCase(input.seed, index, input.bases, scratch);
  const t0 = performance.now();
  const found: Omit<Defect, 'index' | 'base' | 'mutations'>[] = [];
  let fresh = false;
  let slowest: Step | undefined;
  try {
    const o = await runCase(e.engine, e.readPtr, c, (s) => Atomics.store(beat, input.slot * 2 + 1, STEPS.indexOf(s)));
    slowest = (Object.entries(o.ms) as [Step, number][]).sort((a, b) => b[1] - a[1])[0]?.[0];
    if (o.steps.open === 'ok') tally.opened++;
    for (const [step, code] of Object.entries(o.steps))
      if (code !== 'ok') tally.codes[`${step} ${code}`] = (tally.codes[`${step} ${code}`] ?? 0) + 1;
    if (o.defect) found.push({ kind: o.defect.kind, step: o.defect.step, message: o.defect.message });
    fresh = o.defect?.kind === 'crash';
  } catch (err) {
    // Outside any step: closing a chain after the engine broke, say.
    found.push({ kind: 'crash', step: 'close', message: judgeError(err).defect?.message ?? String(err) });
    fresh = true;
  }
  const ms = performance.now() - t0;
  if (ms > input.slowMs) found.push({ kind: 'slow', step: slowest, message: `took ${ms.toFixed(0)} ms` });
  const mem = e.engine.x.memory.buffer.byteLength;
  tally.memHighBytes = Math.max(tally.memHighBytes, mem);
  if (mem > input.memBoundBytes) {
    found.push({
      kind: 'memory',
      message: `Wasm memory ${(mem / 2 ** 20).toFixed(1)} MiB, over the ${(input.memBoundBytes / 2 ** 20).toFixed(0)} MiB bound`,
    });
    fresh = true;
  }
  if (!fresh && e.engine.x.memoryInUse() !== e.baseline) {
    found.push({
      kind: 'leak',
      message: `engine memory in use ${e.engine.x.memoryInUse()} bytes after the case closed its images, ${e.baseline} before`,
    });
    fresh = true;
  }
  for (const f of found) defects.push({ index, base: c.base.name, mutations: describeMutations(c), ...f });
  c.release();
  if (fresh) e = await load();
  tally.cases++;
  // Defects go out at once: a later hang terminates this thread with whatever is unposted.
  if (defects.length || performance.now() - lastPost > 250) {
    post({ type: 'progress', tally, defects });
    tally = emptyTally();
    defects = [];
    lastPost = performance.now();
  }
}
Atomics.store(beat, input.slot * 2, 0);
post({ type: 'progress', tally, defects });
post({ type: 'done' });

// One case replayed in this thread, told in full: the base, each mutation, each step's answer and a
// defect's whole stack. No watchdog here: a hanging case hangs (interrupt it).
import { Engine } from '../../src/engine/core/engine.js';
import { loadEngineNode } from '../../src/host/load-node.js';
import type { BaseImage } from './bases.js';
import { makeCase } from './case-gen.js';
import { READ_BYTES, runCase } from './run-case.js';

export async function replayCase(seed: number, index: number, bases: BaseImage[]): Promise<number> {
  const { exports, flavor } = await loadEngineNode();
  const engine = new Engine(exports, flavor);
  const ptr = engine.x.alloc(READ_BYTES);
  const c = makeCase(seed, index, bases);
  const before = engine.x.memoryInUse();
  console.log(`VDISK_FUZZ_SEED=${seed} index ${index}: base ${c.base.name} (${c.base.file}, ${c.bytes.length} bytes)`);
  for (const m of c.mutations)
    console.log(`  ${m.region} @0x${m.offset.toString(16)} ${m.kind} ${m.before} → ${m.after}`);
  const t0 = performance.now();
  const o = await runCase(engine, ptr, c);
  console.log(
    `steps (${(performance.now() - t0).toFixed(1)} ms): ${Object.entries(o.steps)
      .map(([s, v]) => `${s} ${v} (${o.ms[s as keyof typeof o.ms]?.toFixed(1)} ms)`)
      .join(', ')}`,
  );
  console.log(
    `Wasm memory ${(engine.x.memory.buffer.byteLength / 2 ** 20).toFixed(1)} MiB; engine memory in use ${engine.x.memoryInUse()} bytes after, ${before} before`,
  );
  if (!o.defect) return 0;
  console.log(`DEFECT ${o.defect.kind} in ${o.defect.step}:\n${o.defect.message}`);
  return 1;
}

// The engine's write API (src/engine/write, docs/contracts.md) as the offline steps use it. Writes
// get their own engine instance (a long copy must not hold up extents or verify reads) and open
// backing chains only through a gate limited to the storage roots. commit and rebase, which the module
// does not export yet, fail with E_AGENT_ENGINE_WRITE_MISSING: the agent never shells out to qemu-img.
import { VdiskError } from '../errors/vdisk-error.js';
import { NodeGate } from '../engine/node-gate.js';
import * as write from '../engine/write/index.js';
import type { Roots } from './roots.js';

type Fmt = 'raw' | 'qcow2';
export interface Progress { phase: string; done: number; total: number }
export interface LongOp { signal?: AbortSignal; onProgress?: (p: Progress) => void }
type Backing = { name: string; format: Fmt };

const gateOf = (roots: Roots) => new NodeGate({ roots: roots.list.map((r) => r.dir) });

export function convert(roots: Roots, o: LongOp & {
  source: string; sourceFormat?: Fmt; target: string; targetFormat: Fmt; backing?: Backing; reuseTarget?: boolean; targetSize?: number;
}): Promise<{ bytesRead: number; bytesWritten: number }> {
  return write.convertImage({ ...o, gate: gateOf(roots) });
}

/** An empty image (qemu-img create), replacing a half-made one left by a crashed run of the step. */
export async function createEmpty(roots: Roots, o: { target: string; targetFormat: Fmt; size: number; backing?: Backing }): Promise<void> {
  await write.createImage({ target: o.target, format: o.targetFormat, size: o.size, backing: o.backing, overwrite: true, gate: gateOf(roots) });
}

/** commitImage / rebaseImage, once src/engine/write exports them. */
export function laterApi(name: 'commitImage' | 'rebaseImage'): (opts: Record<string, unknown>) => Promise<unknown> {
  const f = (write as Record<string, unknown>)[name] as ((x: unknown) => Promise<unknown>) | undefined;
  if (!f) throw new VdiskError('E_AGENT_ENGINE_WRITE_MISSING', `src/engine/write does not export ${name} yet`, { field: name });
  return f;
}

export { gateOf };

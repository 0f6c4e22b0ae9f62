// The engine's write API (src/engine/write, docs/contracts.md) as the offline steps use it. Writes
// get their own engine instance (a long copy must not hold up extents or verify reads) and open
// backing chains only through a gate limited to the storage roots. The agent never shells out to
// qemu-img for data.
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

/** qemu-img commit -b BASE (implies -d): the layers above `base` up to `image` merged into it. */
export async function commitInto(roots: Roots, o: LongOp & { image: string; format?: Fmt; base: string }): Promise<void> {
  await write.commitImage({ ...o, drop: true, gate: gateOf(roots) });
}

/** qemu-img rebase -u: only the backing name and format in the header change. */
export async function rebaseUnsafe(roots: Roots, o: { image: string; format?: Fmt; backing: Backing }): Promise<void> {
  await write.rebaseImage({ ...o, unsafe: true, gate: gateOf(roots) });
}

export { gateOf };

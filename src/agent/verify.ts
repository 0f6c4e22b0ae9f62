// Opening images to check a step's work (verify-copy.ts, check-target.ts) or serve extents: the
// image's format is stated, never probed, and backing chains open only through a gate limited to
// the storage roots.
import { openChain, type Chain } from '../engine/chain.js';
import type { Engine } from '../engine/engine.js';
import { NodeGate } from '../engine/node-gate.js';
import { NodeFileSource } from '../io/node-file-source.js';
import type { AgentContext } from './context.js';

export async function openInRoots(ctx: AgentContext, e: Engine, path: string, format?: 'raw' | 'qcow2', noBacking = false): Promise<Chain> {
  ctx.roots.resolve(path);
  const gate = new NodeGate({ roots: ctx.roots.list.map((r) => r.dir) });
  return openChain(e, await NodeFileSource.open(path), { ...(format ? { format } : {}), gate, noBacking });
}

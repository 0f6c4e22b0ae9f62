// Opening images to check a step's work (verify-copy.ts, check-target.ts) or serve extents: the
// image's format is stated, never probed, and every layer of the chain is opened through safe-open
// (O_NOFOLLOW, the descriptor checked to lie in a root) by a gate limited to the storage roots.
import { openChain, type Chain } from '../../engine/read/chain.js';
import type { Engine } from '../../engine/core/engine.js';
import { CheckedGate, checkedSource } from '../storage/checked-io.js';
import type { AgentContext } from '../context.js';

/** The image at `path` and its backing chain, each file opened and checked by safe-open. */
export async function openInRoots(
  ctx: AgentContext,
  e: Engine,
  path: string,
  format?: 'raw' | 'qcow2',
  noBacking = false,
): Promise<Chain> {
  const gate = new CheckedGate(ctx.files);
  return openChain(e, await checkedSource(ctx.files, path), { ...(format ? { format } : {}), gate, noBacking });
}

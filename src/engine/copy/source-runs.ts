// The source side of a copy: block status of the chain as COPY / ZERO / HOLE runs, from metadata
// only. A flattening copy reads whatever holds data at any depth; a shallow copy (-B) keeps only
// what the top layer itself allocates and leaves the rest to the target's backing file.
import type { Chain } from '../read/chain.js';
import type { Engine } from '../core/engine.js';
import { chainRuns, RUN } from '../read/block-status.js';
import type { Kind } from './aligner.js';

export interface SourceRun {
  start: number;
  end: number;
  kind: Kind;
}

/**
 * `depth`: only layers above this depth are copied (1: the top alone, a shallow copy; the base's
 * index: a commit); everything else is a hole. Infinity flattens the whole chain.
 */
export async function* sourceRuns(engine: Engine, chain: Chain, depth: number): AsyncGenerator<SourceRun> {
  for await (const r of chainRuns(engine, chain)) {
    let kind: Kind;
    if (depth !== Infinity && !(r.depth < depth && r.flags & RUN.ALLOCATED)) kind = 'hole';
    else kind = r.flags & RUN.DATA ? 'copy' : 'zero';
    yield { start: r.start, end: r.start + r.length, kind };
  }
}

// The write-side exports of the engine (assembly/api/write.ts): part of EngineExports, checked at load.
import type { Engine } from './engine.js';
import type { EngineExports } from './load.js';

export type WriteExports = Pick<
  EngineExports,
  'zeroScan' | 'zeroRunsPtr' | 'zeroRunsFirstIsZero' | 'zeroRunCount' | 'isZero'
>;

export function wx(engine: Engine): WriteExports {
  return engine.x;
}

// The write-side exports of the engine (assembly/api/write.ts), typed apart from the read side's.
import type { Engine } from '../engine.js';

export interface WriteExports {
  zeroScan(ptr: number, len: number, gran: number, first: number): number;
  zeroRunsPtr(): number;
  zeroRunsFirstIsZero(): number;
  zeroRunCount(): number;
  isZero(ptr: number, len: number): number;
}

export function wx(engine: Engine): WriteExports {
  return engine.x as unknown as WriteExports;
}

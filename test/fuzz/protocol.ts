// What the fuzz pool and its workers tell each other. The worker's current case and step also live
// in a shared Int32Array (per worker: index + 1, 0 when idle; the step's number in STEPS), so the
// watchdog sees a hang, and where it hangs, without any message.
import type { BaseImage } from './bases.js';

/** A case over this is a hang (watchdog) or a slow case. */
export const TIMEOUT_MS = 1000;
/** Wasm memory an engine may reach; the default L2 cache alone takes 16 MiB. */
export const MEM_BOUND_BYTES = 128 * 2 ** 20;

export interface WorkerInput {
  seed: number;
  bases: BaseImage[];
  /** Indices to run: from, from+step, … below `to`; or exactly `list`. */
  from: number;
  to: number;
  step: number;
  list?: number[];
  /** Wasm memory a case may leave the engine at. */
  memBoundBytes: number;
  /** Self-measured duration over which a case is reported slow. */
  slowMs: number;
  heartbeat: SharedArrayBuffer;
  slot: number;
  /** Test hook: at these indices the worker spins synchronously, as a hung engine call would. */
  spinAt?: number[];
}

export interface Defect {
  index: number;
  kind: string;
  step?: string;
  base: string;
  mutations: string;
  message: string;
  /** Set when known.ts recognises the defect: understood, reported, not counted as a failure. */
  known?: string;
}

export interface Tally {
  cases: number;
  /** Cases whose image opened: past the header (and its chain). */
  opened: number;
  /** `step code` → cases. */
  codes: Record<string, number>;
  memHighBytes: number;
}

export type WorkerMessage = { type: 'progress'; tally: Tally; defects: Defect[] } | { type: 'done' };

export function emptyTally(): Tally {
  return { cases: 0, opened: 0, codes: {}, memHighBytes: 0 };
}

export function addTally(into: Tally, t: Tally): void {
  into.cases += t.cases;
  into.opened += t.opened;
  for (const [k, n] of Object.entries(t.codes)) into.codes[k] = (into.codes[k] ?? 0) + n;
  into.memHighBytes = Math.max(into.memHighBytes, t.memHighBytes);
}

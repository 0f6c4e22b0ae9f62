// Everything the agent's parts share: its name, roots, VM sessions, engine, store, journal and log.
import type { EngineAccess } from './storage/engine-access.js';
import type { Adoption } from './storage/format-source.js';
import type { InventoryCache } from './inventory-cache/cache.js';
import type { Journal } from './jobs/journal.js';
import type { Logger } from './log.js';
import type { Roots } from './storage/roots.js';
import type { CheckedFiles } from './storage/safe-open.js';
import type { Serial } from './jobs/serial.js';
import type { InventoryStore } from './storage/store.js';
import type { VmSessions } from './vm/vms.js';

export interface AgentTimeouts {
  /** Longest wait for a job state (a mirror reaching READY on a big disk). */
  jobMs: number;
  /** SSE heartbeat comment interval. */
  heartbeatMs: number;
}

/** Test seams, never set in production (e.g. corrupt a copy before its verify, hold a wipe). */
export interface StepHooks {
  /** Runs once a call has started (journaled), before it acts (e.g. hold a wipe at its start). */
  beforeCall?(call: { action: string; params: unknown }): Promise<void> | void;
  afterCall?(call: { action: string; params: unknown }): Promise<void> | void;
}

export interface AgentContext {
  name: string;
  version: string;
  roots: Roots;
  /** Opens every file the agent touches: O_NOFOLLOW, then the descriptor checked (safe-open.ts). */
  files: CheckedFiles;
  vms: VmSessions;
  engine: EngineAccess;
  store: InventoryStore;
  /** Serializes every read-modify-write of the store (inventory builds and updates). */
  storeLock: Serial;
  /** The inventory kept in memory: TTL, single flight, per-file facts (inventory-cache/cache.ts). */
  inventory: InventoryCache;
  journal: Journal;
  log: Logger;
  /** Where the journal and the store live (never scanned as a pool). */
  stateDir: string;
  timeouts: AgentTimeouts;
  /** `--allow-owner root` (src/agent/storage/containment.ts). */
  allowOwnerRoot: boolean;
  stepHooks?: StepHooks;
  /** Formats the operator stated (`--adopt`); kept in the store once applied. */
  adopt?: Adoption[];
}

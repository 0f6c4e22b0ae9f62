// The simulator's in-memory world: image files (format, backing name, a few blocks of guest data),
// the inventory, and per running VM QEMU's block graph and jobs. Guest data is a handful of block
// tokens, enough to tell a correct chain from a broken or partly copied one.
import type { Inventory } from '../inventory.js';
import type { JobStatus } from '../../qmp/job-states.js';

/** Guest-visible positions per image: small on purpose, the simulator checks structure, not bytes. */
export const BLOCKS = 4;

export interface SimFile {
  format: 'raw' | 'qcow2';
  size: number;
  backingName: string | null;
  backingFormat: string | null;
  /** Allocated blocks: position → data token. Absent reads from the backing (or zeros). */
  blocks: Record<number, string>;
}

export interface SimNode {
  driver: 'file' | 'raw' | 'qcow2';
  /** file nodes: the path; format nodes: their file node. */
  path?: string;
  file?: string;
  backing: string | null;
  readOnly: boolean;
  /** Opened with `auto-read-only: true` (file nodes): writable once a writer attaches. */
  autoReadOnly: boolean;
}

export interface SimJob {
  id: string;
  type: 'mirror' | 'commit' | 'create';
  status: JobStatus;
  device: string;
  target?: string;
  top?: string;
  base?: string;
  sync?: 'full' | 'top';
  backingFile?: string | null;
  active?: boolean;
  /** A commit's base was read-only before the commit reopened it read-write (restored when the job ends). */
  baseReadOnly?: boolean;
  completeRequested: boolean;
  cancelled: 'none' | 'soft' | 'force';
  failed: boolean;
  /** Every status the job has had, from `created`: the JOB_STATUS_CHANGE events QEMU emits (events.ts). */
  trail: JobStatus[];
}

export interface SimQemu {
  nodes: Map<string, SimNode>;
  /** Guest device (disk target) → root node. */
  devices: Map<string, string>;
  jobs: Map<string, SimJob>;
}

export interface QmpRecord {
  vm: string;
  execute: string;
  arguments: Record<string, unknown>;
  error?: string;
}

export interface SimWorld {
  files: Map<string, SimFile>;
  inv: Inventory;
  qemu: Map<string, SimQemu>;
  qmpLog: QmpRecord[];
  /** Things a correct plan never does (pivot before ready, deleting an open file...). */
  violations: string[];
  /** QEMU rules the model may leave out, to show a test catches their loss (default: all applied). */
  rules?: { readOnly?: boolean };
}

export class SimError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly qmpClass?: 'not-found' | 'wrong-state' | 'generic',
  ) {
    super(message);
  }
}

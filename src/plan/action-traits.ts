// How each action behaves under failure, as a table. `atomic` actions either take full effect or
// none (a transaction, one header write, a check), so their own undo never runs when they fail;
// the others may leave part of their effect and their (idempotent) undo runs even on failure.
import type { Action } from './actions.js';

export interface ActionTraits {
  /** Who carries it out: the host's file tools, the inventory store, or QEMU over QMP. */
  layer: 'file' | 'inventory' | 'qmp';
  atomic: boolean;
  /** Progress weight when the action moves no guest data (copies weigh their bytes). */
  weight: number;
}

export const ACTION_TRAITS: Readonly<Record<Action, ActionTraits>> = {
  'create-volume': { layer: 'file', atomic: false, weight: 1 },
  'copy-data': { layer: 'file', atomic: false, weight: 0 },
  'flush-volume': { layer: 'file', atomic: true, weight: 1 },
  'verify-copy': { layer: 'file', atomic: true, weight: 0 },
  'check-target': { layer: 'file', atomic: true, weight: 1 },
  'commit-offline': { layer: 'file', atomic: false, weight: 0 },
  'rebase-offline': { layer: 'file', atomic: true, weight: 1 },
  'delete-volume': { layer: 'file', atomic: false, weight: 1 },
  'delete-file': { layer: 'file', atomic: false, weight: 1 },
  // Several rename(2) calls, but all or none: the agent renames back what it moved when one fails,
  // and after a crash the journal and the inodes say which moved (src/agent/storage/rename-volumes.ts).
  'rename-volumes': { layer: 'file', atomic: true, weight: 1 },
  'inventory-update': { layer: 'inventory', atomic: true, weight: 1 },
  'qmp-create-image': { layer: 'qmp', atomic: false, weight: 2 },
  'qmp-open-image': { layer: 'qmp', atomic: false, weight: 1 },
  'qmp-close-image': { layer: 'qmp', atomic: false, weight: 1 },
  'qmp-mirror': { layer: 'qmp', atomic: true, weight: 1 },
  'qmp-commit': { layer: 'qmp', atomic: true, weight: 1 },
  'qmp-wait-ready': { layer: 'qmp', atomic: true, weight: 0 },
  'qmp-attach-backing': { layer: 'qmp', atomic: true, weight: 1 },
  'qmp-pivot': { layer: 'qmp', atomic: false, weight: 1 },
  'qmp-job-finish': { layer: 'qmp', atomic: false, weight: 0 },
  'qmp-job-dismiss': { layer: 'qmp', atomic: false, weight: 0 },
  'qmp-release-copy': { layer: 'qmp', atomic: false, weight: 1 },
  'qmp-job-cancel': { layer: 'qmp', atomic: false, weight: 1 },
  'qmp-snapshot-group': { layer: 'qmp', atomic: true, weight: 1 },
};

// The calls carried out on host files (ACTION_TRAITS layer 'file'): the agent's file steps
// (src/agent/storage/file-steps.ts) run them on the host, the simulator (sim/file-actions.ts) on its
// model; both take this one type. test/plan/file-call.test.ts holds the list to the traits table.
import type { ActionCall } from './actions.js';

export const FILE_ACTIONS = [
  'create-volume',
  'copy-data',
  'flush-volume',
  'verify-copy',
  'check-target',
  'commit-offline',
  'rebase-offline',
  'delete-volume',
  'delete-file',
  'rename-volumes',
] as const;

export type FileAction = (typeof FILE_ACTIONS)[number];
export type FileCall = Extract<ActionCall, { action: FileAction }>;

// `transaction`: several actions applied all-or-nothing. vdisk uses it for atomic snapshots of
// several disks and for attaching a shallow copy's backing before the pivot.
import type { QmpClient } from './client.js';
import type { TransactionAction } from './types.js';

/**
 * `node` gets `overlay` (a node added with backing: null) on top of it: every parent of `node`
 * (device, or the layer above) now points at `overlay`, whose backing becomes `node`.
 */
export function snapshotAction(node: string, overlay: string): TransactionAction {
  return { type: 'blockdev-snapshot', data: { node, overlay } };
}

/** Runs the actions atomically; on E_QMP_COMMAND none of them took effect. */
export async function transaction(qmp: QmpClient, actions: TransactionAction[]): Promise<void> {
  await qmp.execute('transaction', { actions });
}

// The offline copy of one or more layers, as oVirt does it: create the target ILLEGAL, copy, flush,
// verify, and only then mark it legal. A failure deletes the partial target (the create's undo).
import type { StepList } from './builder.js';
import type { Format, Volume } from './inventory.js';
import type { Verify } from './requests.js';

export interface LayerCopy {
  source: Volume;
  /** The new volume's record (state is forced to illegal until verified). */
  target: Volume;
  depth: 'flatten' | 'top';
  /** Bytes to copy (allocation: it drifts), for the progress weight and the planner's free-space check only. */
  bytes: number;
  backingFormat: Format | null;
}

const MIB = 1024 * 1024;
export const bytesWeight = (bytes: number): number => Math.max(1, Math.ceil(bytes / MIB));

export function addOfflineCopy(list: StepList, copy: LayerCopy, verify: Verify, unit = 'all'): void {
  const { source, target } = copy;
  const t = { ...target, state: 'illegal' as const };
  list.add(
    { action: 'create-volume', params: { volume: t, backingFormat: copy.backingFormat } },
    {
      label: `create ${t.path} (ILLEGAL until verified)`,
      unit,
      undo: [{ action: 'delete-volume', params: { volume: t.id, path: t.path } }],
    },
  );
  const paths = { source: source.id, sourcePath: source.path, target: t.id, targetPath: t.path };
  list.add(
    { action: 'copy-data', params: { ...paths, depth: copy.depth } },
    {
      label: `copy ${copy.depth === 'flatten' ? 'the whole chain of' : 'the layer'} ${source.path} to ${t.path}`,
      unit,
      weight: bytesWeight(copy.bytes),
    },
  );
  list.add(
    { action: 'flush-volume', params: { volume: t.id, path: t.path } },
    { label: `flush ${t.path} to disk`, unit },
  );
  if (verify !== 'none') {
    list.add(
      { action: 'verify-copy', params: { ...paths, mode: verify, depth: copy.depth } },
      {
        label: `verify ${t.path} against ${source.path} (${verify})`,
        unit,
        weight: verify === 'full' ? bytesWeight(copy.bytes) : 1,
      },
    );
  }
  list.add(
    { action: 'inventory-update', params: { ops: [{ op: 'set-state', volume: t.id, state: 'ok' }] } },
    {
      label: `mark ${t.path} legal`,
      unit,
      undo: [{ action: 'inventory-update', params: { ops: [{ op: 'set-state', volume: t.id, state: 'illegal' }] } }],
    },
  );
}

// Changes a plan makes to the inventory, applied atomically by one `inventory-update` step.
import { z } from 'zod';
import { NodeRefSchema, SnapshotSchema, VolumeSchema, VolumeStateSchema } from './inventory.js';
import { MAX_ITEMS, text } from './limits.js';

export const InventoryOpSchema = z.discriminatedUnion('op', [
  /** Register a volume (a new copy starts ILLEGAL until verified). */
  z.object({ op: z.literal('add-volume'), volume: VolumeSchema }),
  z.object({ op: z.literal('forget-volume'), volume: text() }),
  z.object({ op: z.literal('set-state'), volume: text(), state: VolumeStateSchema }),
  /** `volume` keeps its id and takes over the location of `from` (a verified copy); `from` goes. */
  z.object({ op: z.literal('adopt'), volume: text(), from: text(), backing: text().nullable() }),
  /** A renamed file's record follows it (rename-volumes): same id, new pool and path. */
  z.object({ op: z.literal('relocate'), volume: text(), pool: text(), path: text().startsWith('/') }),
  z.object({
    op: z.literal('set-backing'),
    volume: text(),
    backing: text().nullable(),
    backingName: text().nullable(),
  }),
  z.object({
    op: z.literal('set-disk'),
    vm: text(),
    disk: text(),
    volume: text(),
    nodes: z.array(NodeRefSchema).max(MAX_ITEMS),
  }),
  z.object({ op: z.literal('add-snapshot'), snapshot: SnapshotSchema }),
  /** Records that one disk of a snapshot has been committed (a partly deleted snapshot says which). */
  z.object({ op: z.literal('snapshot-merged'), snapshot: text(), disk: text() }),
  z.object({
    op: z.literal('remove-snapshots'),
    snapshots: z.array(text()).max(MAX_ITEMS),
    /** Children of removed snapshots get this parent; `current` moves to `current` when given. */
    parent: text().nullable(),
    current: text().nullable(),
  }),
]);

export type InventoryOp = z.infer<typeof InventoryOpSchema>;

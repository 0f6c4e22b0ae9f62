// Changes a plan makes to the inventory, applied atomically by one `inventory-update` step.
import { z } from 'zod';
import { NodeRefSchema, SnapshotSchema, VolumeSchema, VolumeStateSchema } from './inventory.js';

export const InventoryOpSchema = z.discriminatedUnion('op', [
  /** Register a volume (a new copy starts ILLEGAL until verified). */
  z.object({ op: z.literal('add-volume'), volume: VolumeSchema }),
  z.object({ op: z.literal('forget-volume'), volume: z.string() }),
  z.object({ op: z.literal('set-state'), volume: z.string(), state: VolumeStateSchema }),
  /** `volume` keeps its id and takes over the location of `from` (a verified copy); `from` goes. */
  z.object({ op: z.literal('adopt'), volume: z.string(), from: z.string(), backing: z.string().nullable() }),
  z.object({ op: z.literal('set-backing'), volume: z.string(), backing: z.string().nullable(), backingName: z.string().nullable() }),
  z.object({ op: z.literal('set-disk'), vm: z.string(), disk: z.string(), volume: z.string(), nodes: z.array(NodeRefSchema) }),
  z.object({ op: z.literal('add-snapshot'), snapshot: SnapshotSchema }),
  /** Records that one disk of a snapshot has been committed (a partly deleted snapshot says which). */
  z.object({ op: z.literal('snapshot-merged'), snapshot: z.string(), disk: z.string() }),
  z.object({
    op: z.literal('remove-snapshots'),
    snapshots: z.array(z.string()),
    /** Children of removed snapshots get this parent; `current` moves to `current` when given. */
    parent: z.string().nullable(),
    current: z.string().nullable(),
  }),
]);

export type InventoryOp = z.infer<typeof InventoryOpSchema>;

// Pre- and postconditions: facts an executor checks against the world before the first step and
// after the last. A precondition that no longer holds means the inventory was stale: replan.
import { z } from 'zod';
import { VolumeStateSchema } from './inventory.js';

export const ConditionSchema = z.discriminatedUnion('check', [
  z.object({ check: z.literal('volume-state'), volume: z.string(), state: VolumeStateSchema }),
  z.object({ check: z.literal('file-exists'), path: z.string() }),
  z.object({ check: z.literal('file-absent'), path: z.string() }),
  z.object({ check: z.literal('pool-free'), pool: z.string(), bytes: z.number().int().nonnegative() }),
  z.object({ check: z.literal('vm-running'), vm: z.string(), running: z.boolean() }),
  z.object({ check: z.literal('disk-volume'), vm: z.string(), disk: z.string(), volume: z.string() }),
  z.object({ check: z.literal('volume-path'), volume: z.string(), path: z.string() }),
  z.object({ check: z.literal('no-volume'), volume: z.string() }),
]);

export type Condition = z.infer<typeof ConditionSchema>;

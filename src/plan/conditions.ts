// Pre- and postconditions: facts an executor checks against the world before the first step and
// after the last. A precondition that no longer holds means the inventory was stale: replan.
import { z } from 'zod';
import { VolumeStateSchema } from './inventory.js';
import { text } from './limits.js';

export const ConditionSchema = z.discriminatedUnion('check', [
  z.object({ check: z.literal('volume-state'), volume: text(), state: VolumeStateSchema }),
  z.object({ check: z.literal('file-exists'), path: text() }),
  z.object({ check: z.literal('file-absent'), path: text() }),
  z.object({ check: z.literal('pool-free'), pool: text(), bytes: z.number().int().nonnegative() }),
  z.object({ check: z.literal('vm-running'), vm: text(), running: z.boolean() }),
  z.object({ check: z.literal('disk-volume'), vm: text(), disk: text(), volume: text() }),
  z.object({ check: z.literal('volume-path'), volume: text(), path: text() }),
  z.object({ check: z.literal('no-volume'), volume: text() }),
]);

export type Condition = z.infer<typeof ConditionSchema>;

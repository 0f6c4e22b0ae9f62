// The closed set of step actions and their parameters. Everything an executor (the simulator or
// a host agent) may be asked to do is here; src/plan/action-traits.ts says how each one behaves.
import { z } from 'zod';
import { FormatSchema, VolumeSchema } from './inventory.js';
import { InventoryOpSchema } from './inventory-ops.js';

const vm = z.string();
const job = z.string();

export const ACTION_PARAMS = {
  /** Create an empty image file (with its backing name) and register it ILLEGAL. */
  'create-volume': z.object({ volume: VolumeSchema, backingFormat: FormatSchema.nullable() }),
  /** Copy guest data offline: the whole chain flattened, or only the top layer. Sparse. The agent checks
   * the target's free space when the step runs (allocation drifts, so it is not a parameter). */
  'copy-data': z.object({
    source: z.string(), sourcePath: z.string(), target: z.string(), targetPath: z.string(),
    depth: z.enum(['flatten', 'top']),
  }),
  'flush-volume': z.object({ volume: z.string(), path: z.string() }),
  /** Compare the copy with its source: metadata (format, size, backing) or guest-visible data. */
  'verify-copy': z.object({
    source: z.string(), sourcePath: z.string(), target: z.string(), targetPath: z.string(),
    mode: z.enum(['metadata', 'full']), depth: z.enum(['flatten', 'top']),
  }),
  /** REUSE_EXT: read the existing target's metadata (format stated, never probed) before the job. */
  'check-target': z.object({
    volume: z.string(), path: z.string(), format: FormatSchema, minSize: z.number().int(),
    expect: z.enum(['zeros', 'backing']), backingPath: z.string().nullable(),
  }),
  /** `qemu-img commit -d`: merge `top` into `base` (the base gains data; nothing else changes). */
  'commit-offline': z.object({ top: z.string(), topPath: z.string(), base: z.string(), basePath: z.string() }),
  /** `qemu-img rebase -u`: rewrite the backing name only (safe after a commit). */
  'rebase-offline': z.object({
    volume: z.string(), path: z.string(), backing: z.string(), backingName: z.string(), backingFormat: FormatSchema,
  }),
  /** Remove a file this plan created and its inventory record (compensation). */
  'delete-volume': z.object({ volume: z.string(), path: z.string() }),
  /** Storage cleanup: remove a file the inventory no longer names; never touches the inventory. */
  'delete-file': z.object({ path: z.string(), pool: z.string(), wipe: z.boolean() }),
  'inventory-update': z.object({ ops: z.array(InventoryOpSchema) }),
  /** blockdev-create the file (and the qcow2 on it) through QEMU, as libvirt does, then open it. */
  'qmp-create-image': z.object({
    vm, fileJob: job, formatJob: job.nullable(), node: z.string(), fileNode: z.string(), path: z.string(), format: FormatSchema,
    size: z.number().int().positive(), backingFile: z.string().nullable(), backingFormat: FormatSchema.nullable(),
    /** Node to open the new image on (a shallow copy shares the source's backing node), or none. */
    backing: z.string().nullable(),
  }),
  'qmp-open-image': z.object({
    vm, node: z.string(), fileNode: z.string(), path: z.string(), format: FormatSchema,
    readOnly: z.boolean(), backing: z.string().nullable(),
  }),
  'qmp-close-image': z.object({ vm, node: z.string(), fileNode: z.string() }),
  'qmp-mirror': z.object({ vm, job, device: z.string(), target: z.string(), sync: z.enum(['full', 'top']) }),
  'qmp-commit': z.object({
    vm, job, device: z.string(), top: z.string(), base: z.string(), backingFile: z.string().nullable(), active: z.boolean(),
  }),
  'qmp-wait-ready': z.object({ vm, job }),
  /** Give a shallow copy its backing before pivot: transaction [blockdev-snapshot]. */
  'qmp-attach-backing': z.object({ vm, node: z.string(), overlay: z.string() }),
  /** job-complete (only once ready), then job-finalize: the device switches to the copy. */
  'qmp-pivot': z.object({ vm, job }),
  /** Finalize a job that finishes by itself (intermediate commit). */
  'qmp-job-finish': z.object({ vm, job }),
  /** Dismiss a concluded job (cleanup: its outcome has been acted upon). */
  'qmp-job-dismiss': z.object({ vm, job }),
  /** End a ready mirror without pivot: the copy stays consistent, the guest stays on its source. */
  'qmp-release-copy': z.object({ vm, job }),
  /** Abandon a job (compensation): force cancel, then dismiss. */
  'qmp-job-cancel': z.object({ vm, job }),
  /** One transaction of blockdev-snapshot actions: all disks or none. */
  'qmp-snapshot-group': z.object({ vm, pairs: z.array(z.object({ node: z.string(), overlay: z.string() })).min(1) }),
} as const;

export type Action = keyof typeof ACTION_PARAMS;
export const ACTIONS = Object.keys(ACTION_PARAMS) as Action[];
export type ParamsOf<A extends Action> = z.infer<(typeof ACTION_PARAMS)[A]>;

/** An action with its parameters: what an undo list holds and what a step carries. */
export type ActionCall = { [A in Action]: { action: A; params: ParamsOf<A> } }[Action];

const callSchemas = ACTIONS.map((a) => z.object({ action: z.literal(a), params: ACTION_PARAMS[a] }));
export const ActionCallSchema = z.discriminatedUnion('action', callSchemas as unknown as [
  (typeof callSchemas)[number], ...(typeof callSchemas)[number][],
]);

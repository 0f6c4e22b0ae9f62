// The closed set of step actions and their parameters. Everything an executor (the simulator or
// a host agent) may be asked to do is here; src/plan/action-traits.ts says how each one behaves.
import { z } from 'zod';
import { FormatSchema, VolumeSchema } from './inventory.js';
import { InventoryOpSchema } from './inventory-ops.js';
import { MAX_DISKS, MAX_ITEMS, text } from './limits.js';

const vm = text();
const job = text();

export const ACTION_PARAMS = {
  /** Create an empty image file (with its backing name) and register it ILLEGAL. */
  'create-volume': z.object({ volume: VolumeSchema, backingFormat: FormatSchema.nullable() }),
  /** Copy guest data offline: the whole chain flattened, or only the top layer. Sparse. The agent checks
   * the target's free space when the step runs (allocation drifts, so it is not a parameter). */
  'copy-data': z.object({
    source: text(),
    sourcePath: text(),
    target: text(),
    targetPath: text(),
    depth: z.enum(['flatten', 'top']),
  }),
  'flush-volume': z.object({ volume: text(), path: text() }),
  /** Compare the copy with its source: metadata (format, size, backing) or guest-visible data. */
  'verify-copy': z.object({
    source: text(),
    sourcePath: text(),
    target: text(),
    targetPath: text(),
    mode: z.enum(['metadata', 'full']),
    depth: z.enum(['flatten', 'top']),
  }),
  /** REUSE_EXT: read the existing target's metadata (format stated, never probed) before the job. */
  'check-target': z.object({
    volume: text(),
    path: text(),
    format: FormatSchema,
    minSize: z.number().int(),
    expect: z.enum(['zeros', 'backing']),
    backingPath: text().nullable(),
  }),
  /** `qemu-img commit -d`: merge `top` into `base` (the base gains data; nothing else changes). */
  'commit-offline': z.object({ top: text(), topPath: text(), base: text(), basePath: text() }),
  /** `qemu-img rebase -u`: rewrite the backing name only (safe after a commit). */
  'rebase-offline': z.object({
    volume: text(),
    path: text(),
    backing: text(),
    backingName: text(),
    backingFormat: FormatSchema,
  }),
  /** Remove a file this plan created and its inventory record (compensation). */
  'delete-volume': z.object({ volume: text(), path: text() }),
  /** Storage cleanup: remove a file the inventory no longer names; never touches the inventory. */
  'delete-file': z.object({ path: text(), pool: text(), wipe: z.boolean() }),
  /** Offline move within one file system: flushed layers renamed (never over an existing file) and
   * their records moved with them, all or none (src/plan/plan-move-rename.ts). */
  'rename-volumes': z.object({
    moves: z
      .array(z.object({ volume: text(), pool: text(), fromPath: text(), toPath: text() }))
      .min(1)
      .max(MAX_ITEMS),
  }),
  'inventory-update': z.object({ ops: z.array(InventoryOpSchema).max(MAX_ITEMS) }),
  /** blockdev-create the file (and the qcow2 on it) through QEMU, as libvirt does, then open it. */
  'qmp-create-image': z.object({
    vm,
    fileJob: job,
    formatJob: job.nullable(),
    node: text(),
    fileNode: text(),
    path: text(),
    format: FormatSchema,
    size: z.number().int().positive(),
    backingFile: text().nullable(),
    backingFormat: FormatSchema.nullable(),
    /** Node to open the new image on (a shallow copy shares the source's backing node), or none. */
    backing: text().nullable(),
  }),
  'qmp-open-image': z.object({
    vm,
    node: text(),
    fileNode: text(),
    path: text(),
    format: FormatSchema,
    readOnly: z.boolean(),
    backing: text().nullable(),
  }),
  'qmp-close-image': z.object({ vm, node: text(), fileNode: text() }),
  'qmp-mirror': z.object({ vm, job, device: text(), target: text(), sync: z.enum(['full', 'top']) }),
  'qmp-commit': z.object({
    vm,
    job,
    device: text(),
    top: text(),
    base: text(),
    backingFile: text().nullable(),
    active: z.boolean(),
  }),
  'qmp-wait-ready': z.object({ vm, job }),
  /** Give a shallow copy its backing before pivot: transaction [blockdev-snapshot]. */
  'qmp-attach-backing': z.object({ vm, node: text(), overlay: text() }),
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
  'qmp-snapshot-group': z.object({
    vm,
    pairs: z
      .array(z.object({ node: text(), overlay: text() }))
      .min(1)
      .max(MAX_DISKS),
  }),
} as const;

export type Action = keyof typeof ACTION_PARAMS;
export const ACTIONS = Object.keys(ACTION_PARAMS) as Action[];
export type ParamsOf<A extends Action> = z.infer<(typeof ACTION_PARAMS)[A]>;

/** An action with its parameters: what an undo list holds and what a step carries. */
export type ActionCall = { [A in Action]: { action: A; params: ParamsOf<A> } }[Action];

const callSchemas = ACTIONS.map((a) => z.object({ action: z.literal(a), params: ACTION_PARAMS[a] }));
export const ActionCallSchema = z.discriminatedUnion(
  'action',
  callSchemas as unknown as [(typeof callSchemas)[number], ...(typeof callSchemas)[number][]],
);

// What a caller may ask for: a zod discriminated union on `kind`. Requests are checked against the
// inventory (src/plan/validate-*.ts) before any step is planned.
import { z } from 'zod';
import { FormatSchema } from './inventory.js';
import { MAX_DISKS, text } from './limits.js';

export const VerifySchema = z.enum(['none', 'metadata', 'full']);
export type Verify = z.infer<typeof VerifySchema>;

export const ShapeSchema = z.enum(['flatten', 'keep-chain']);

export const MoveRequestSchema = z.object({
  kind: z.literal('move'),
  volume: text(),
  toPool: text(),
  shape: ShapeSchema.default('flatten'),
  /** Default: `full` offline, `metadata` live (a live guest keeps writing, so no full compare). */
  verify: VerifySchema.optional(),
  /** Zero the source before deleting it (oVirt's wipe-after-delete, post-zero). */
  wipeSource: z.boolean().default(false),
  /**
   * `auto` (absent): an offline move between pools on one file system that keeps the chain's shape
   * renames the files (src/plan/move-rename-check.ts); `copy`: copy, verify and delete even then (a
   * freshly written, verified copy).
   */
  method: z.enum(['auto', 'copy']).optional(),
});

export const CloneRequestSchema = z.object({
  kind: z.literal('clone'),
  volume: text(),
  toPool: text(),
  /** File name of the new volume inside the target pool. */
  name: text().regex(/^[^/]+$/),
  format: FormatSchema.optional(),
  capacity: z.number().int().positive().optional(),
  /** `flatten` copies the whole chain; `shallow` copies only the top onto the same backing. */
  shape: z.enum(['flatten', 'shallow']).default('flatten'),
  owner: text().optional(),
  mode: text()
    .regex(/^[0-7]{3,4}$/)
    .optional(),
  verify: VerifySchema.default('full'),
});

/** libvirt virDomainBlockRebase flags, named (the numeric values are in block-copy-flags.ts). */
export const CopyFlagsSchema = z.object({
  copy: z.boolean().default(false),
  shallow: z.boolean().default(false),
  reuseExt: z.boolean().default(false),
  copyRaw: z.boolean().default(false),
  relative: z.boolean().default(false),
});
export type CopyFlags = z.infer<typeof CopyFlagsSchema>;

export const CopyDiskSchema = z.object({
  disk: text(),
  /** Destination: a new file `name` in `pool`, or (REUSE_EXT) an existing volume's path. */
  pool: text().optional(),
  name: text()
    .regex(/^[^/]+$/)
    .optional(),
  path: text().optional(),
  /** REUSE_EXT: the caller states the existing target's format; it is never probed. */
  format: FormatSchema.optional(),
  flags: z.union([CopyFlagsSchema, z.number().int().min(0).max(31)]),
});

export const BlockCopyRequestSchema = z.object({
  kind: z.literal('block-copy'),
  vm: text(),
  /** Several disks form a group: all reach ready, then all pivot; a failure before pivot cancels all. */
  disks: z.array(CopyDiskSchema).min(1).max(MAX_DISKS),
  finish: z.enum(['pivot', 'keep-copy']).default('pivot'),
});

export const SnapshotRequestSchema = z.object({
  kind: z.literal('snapshot'),
  vm: text(),
  name: text().regex(/^[A-Za-z0-9._-]+$/),
  /** Default: every disk of the VM. */
  disks: z.array(text()).max(MAX_DISKS).optional(),
});

export const SnapshotDeleteRequestSchema = z.object({
  kind: z.literal('snapshot-delete'),
  vm: text(),
  snapshot: text(),
  /** libvirt's three modes: the snapshot, the snapshot and its children, only its children. */
  mode: z.enum(['snapshot', 'with-children', 'children-only']).default('snapshot'),
});

export const PlanRequestSchema = z.discriminatedUnion('kind', [
  MoveRequestSchema,
  CloneRequestSchema,
  BlockCopyRequestSchema,
  SnapshotRequestSchema,
  SnapshotDeleteRequestSchema,
]);

export type MoveRequest = z.infer<typeof MoveRequestSchema>;
export type CloneRequest = z.infer<typeof CloneRequestSchema>;
export type CopyDisk = z.infer<typeof CopyDiskSchema>;
export type BlockCopyRequest = z.infer<typeof BlockCopyRequestSchema>;
export type SnapshotRequest = z.infer<typeof SnapshotRequestSchema>;
export type SnapshotDeleteRequest = z.infer<typeof SnapshotDeleteRequestSchema>;
export type PlanRequest = z.infer<typeof PlanRequestSchema>;
export type PlanRequestInput = z.input<typeof PlanRequestSchema>;
export type PlanKind = PlanRequest['kind'];

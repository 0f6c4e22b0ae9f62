// The inventory a plan is made from: hosts, directory pools, volumes (files), VMs with their disks'
// node chains, and external snapshots. It is the planner's only view of the world.
import { z } from 'zod';
import { MAX_ITEMS, text } from './limits.js';

export const FormatSchema = z.enum(['raw', 'qcow2']);
export type Format = z.infer<typeof FormatSchema>;

export const HostSchema = z.object({ id: text().min(1), name: text().optional() });

/**
 * The file system a pool's root lies on, as its host found it (src/agent/storage/pool-fs.ts): `id`
 * names one mount of one file system (two pools with the same id can rename(2) between them), and
 * `reflink` says a probe shared extents there (FICLONERANGE). Absent: unknown, so every move copies
 * and every copy reserves its bytes. A fact: it is part of the facts digest (src/plan/facts.ts).
 */
export const PoolFsSchema = z.object({ id: text().min(1), reflink: z.boolean() });

export const PoolSchema = z.object({
  id: text().min(1),
  host: text().min(1),
  /** Only directory pools are supported; block pools are refused with E_PLAN_BLOCK_POOL. */
  type: z.enum(['dir', 'block']).default('dir'),
  root: text().startsWith('/'),
  capacity: z.number().int().nonnegative(),
  free: z.number().int().nonnegative(),
  fs: PoolFsSchema.optional(),
});

/**
 * Who said what format a volume is: `stated` by the operator (`vdisk agent --adopt`), by a running
 * VM's block graph, or by the job that created the file; `probed` from the file's first bytes, which
 * a guest of a raw disk can write. Never settable by a request. Inventories without it (hand-written
 * ones, older agents) read as stated.
 */
export const FormatSourceSchema = z.enum(['stated', 'probed']);
export type FormatSource = z.infer<typeof FormatSourceSchema>;

/** `orphan`: a file a job's cleanup could not wipe or delete, kept by the agent until a retry of that job deletes it. */
export const VolumeStateSchema = z.enum(['ok', 'illegal', 'orphan']);

export const VolumeSchema = z.object({
  id: text().min(1),
  pool: text().min(1),
  /** Absolute path of the image file, inside the pool root. */
  path: text().startsWith('/'),
  /** `file` is what plans handle; block and network layers are refused where files are needed. */
  storage: z.enum(['file', 'block', 'network']).default('file'),
  format: FormatSchema,
  formatSource: FormatSourceSchema.default('stated'),
  virtualSize: z.number().int().positive(),
  /** Bytes the image occupies on disk: what a copy needs free in the target pool. */
  allocated: z.number().int().nonnegative(),
  backing: text().nullable().default(null),
  /** The backing name as recorded in the image header (relative names resolve against its dir). */
  backingName: text().nullable().default(null),
  owner: text().default('root'),
  mode: text()
    .regex(/^[0-7]{3,4}$/)
    .default('0600'),
  state: VolumeStateSchema.default('ok'),
  /** For state `orphan`: the agent's id of the job that left it (`vdisk job retry HOST~JOB` deletes it). */
  orphanOf: text().optional(),
});

export const NodeRefSchema = z.object({
  volume: text(),
  /** Format node name in QEMU's block graph, and its protocol (file) node. */
  node: text(),
  fileNode: text(),
});

export const DiskSchema = z.object({
  target: text().min(1),
  /** Top volume of the disk's chain. */
  volume: text(),
  /** The running VM's node chain, top first (empty when the VM is off). */
  nodes: z.array(NodeRefSchema).max(MAX_ITEMS).default([]),
});

export const VmSchema = z.object({
  id: text().min(1),
  host: text().min(1),
  running: z.boolean(),
  qmpSocket: text().optional(),
  disks: z.array(DiskSchema),
});

export const SnapshotDiskSchema = z.object({
  target: text(),
  /** The overlay volume this snapshot created for the disk. */
  layer: text(),
  /** Set once a delete has committed this disk's layer (a partly deleted snapshot). */
  merged: z.boolean().default(false),
});

export const SnapshotSchema = z.object({
  id: text().min(1),
  vm: text(),
  parent: text().nullable().default(null),
  current: z.boolean().default(false),
  disks: z.array(SnapshotDiskSchema),
});

export const InventorySchema = z.object({
  hosts: z.array(HostSchema).default([]),
  pools: z.array(PoolSchema).default([]),
  volumes: z.array(VolumeSchema).default([]),
  vms: z.array(VmSchema).default([]),
  snapshots: z.array(SnapshotSchema).default([]),
});

export type Pool = z.infer<typeof PoolSchema>;
export type Volume = z.infer<typeof VolumeSchema>;
export type NodeRef = z.infer<typeof NodeRefSchema>;
export type Disk = z.infer<typeof DiskSchema>;
export type Vm = z.infer<typeof VmSchema>;
export type Snapshot = z.infer<typeof SnapshotSchema>;
export type SnapshotDisk = z.infer<typeof SnapshotDiskSchema>;
export type Inventory = z.infer<typeof InventorySchema>;
export type InventoryInput = z.input<typeof InventorySchema>;

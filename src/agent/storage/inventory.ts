// The inventory this agent reports (the planner's Inventory, this host only): pools from the roots,
// volumes from a scan merged with the store's records, VMs from their live block graphs. A volume
// whose backing file lies outside the roots, is missing, or has no recorded format is left out
// (and logged): no plan may touch it; so is a file that is no readable image (its code in `refused`).
// Each volume says whether its format was stated or probed (format-source.ts); the graphs are read
// first so a running VM's drivers count as stated. Builds go through the agent's cache
// (inventory-cache/cache.ts): unchanged files are not opened again, and callers share a refresh.
import { poolFs } from './pool-fs.js';
import { existsSync, statfsSync } from 'node:fs';
import { VolumeSchema, type Inventory, type Volume, type Vm } from '../../plan/inventory.js';
import { resolveBacking } from '../../plan/paths.js';
import type { AgentContext } from '../context.js';
import { knownFormats } from './format-source.js';
import type { BuiltInventory, CachedInventory } from '../inventory-cache/cache.js';
import { liveOrphans, markOrphans } from '../jobs/orphans.js';
import { scanRoots, type ScannedImage } from './scan.js';
import type { VmGraph } from '../vm/vm-graph.js';
import { readGraphs } from './inventory-vms.js';
import type { StoreData } from './store.js';
import { volumeIdFor } from './volume-ids.js';

export type { BuiltInventory, CachedInventory } from '../inventory-cache/cache.js';

/**
 * The inventory as the files are now (a refresh that starts after this call: every file statted,
 * changed ones read again) — what a job's submission is checked against. Keeps the scan's volumes
 * in the store (so every id a plan names is known).
 */
export function buildInventory(ctx: AgentContext): Promise<CachedInventory> {
  return ctx.inventory.fresh();
}

/** The cached inventory (at most the TTL old, never older than the last job's inventory update). */
export function cachedInventory(ctx: AgentContext): Promise<CachedInventory> {
  return ctx.inventory.get();
}

/** One build under the store lock: what the cache runs. */
export function buildLocked(ctx: AgentContext): Promise<BuiltInventory> {
  return ctx.storeLock.run(() => buildUnlocked(ctx));
}

export async function buildUnlocked(ctx: AgentContext): Promise<BuiltInventory> {
  const stored = ctx.store.data;
  const { graphs, unknown: unknownVms } = await readGraphs(ctx);
  const known = new Map<string, ReturnType<ReturnType<typeof knownFormats>>>();
  const knownOf = knownFormats(ctx, graphs);
  const refused: BuiltInventory['refused'] = [];
  const scanned = await scanRoots(
    ctx.roots.list,
    ctx.engine,
    (p) => {
      known.set(p, knownOf(p));
      return known.get(p)?.format;
    },
    ctx.log,
    [ctx.stateDir],
    ctx.files,
    {
      facts: ctx.inventory.files,
      failed: (path, code) => refused.push({ path, code }),
    },
  );
  const pools = ctx.roots.list.map((r) => poolOf(ctx.name, r.name, r.dir));
  // Same file facts, records, VM graphs and orphan register: the same volumes and VMs as the last
  // build (a job's end registers its orphans after its last step, with no file changing).
  const sig = `${ctx.inventory.files.version}|${JSON.stringify([...graphs])}|${[...unknownVms]}|${JSON.stringify(liveOrphans(ctx))}`;
  const last = lastBuild.get(ctx);
  if (last && last.sig === sig && last.stored === stored) {
    const same = JSON.stringify(pools) === JSON.stringify(last.built.inventory.pools);
    return { ...last.built, graphs, inventory: same ? last.built.inventory : { ...last.built.inventory, pools } };
  }
  const built = assemble(ctx, stored, scanned, known, refused, { graphs, unknownVms }, pools);
  lastBuild.set(ctx, { sig, stored: ctx.store.data, built });
  return built;
}

const lastBuild = new WeakMap<AgentContext, { sig: string; stored: StoreData; built: BuiltInventory }>();

type Known = Map<string, ReturnType<ReturnType<typeof knownFormats>>>;

/** Volumes from the scan and the records, backings linked, VMs; the store keeps the result. */
function assemble(
  ctx: AgentContext,
  stored: StoreData,
  scanned: ScannedImage[],
  known: Known,
  refused: BuiltInventory['refused'],
  { graphs, unknownVms }: { graphs: Map<string, VmGraph>; unknownVms: Set<string> },
  pools: Inventory['pools'],
): BuiltInventory {
  const byPath = new Map(stored.volumes.map((v) => [v.path, v]));
  const ids = new Set<string>(stored.volumes.map((v) => v.id));
  const volumes = new Map<string, Volume>();
  for (const s of scanned) {
    const rec = byPath.get(s.path);
    const id = rec?.id ?? volumeIdFor(s.root.name, s.root.dir, s.path, (x) => ids.has(x));
    ids.add(id);
    if (s.magic && s.magic !== s.format && known.get(s.path)?.source === 'probed') formatChanged(ctx, s, id);
    volumes.set(s.path, {
      id,
      pool: s.root.name,
      path: s.path,
      storage: 'file',
      format: s.format,
      formatSource: known.get(s.path)?.source ?? 'probed',
      virtualSize: s.virtualSize,
      allocated: s.allocated,
      backing: null,
      backingName: s.backingName,
      owner: rec?.owner ?? String(s.uid),
      mode: rec?.mode ?? s.mode,
      state: rec?.state ?? 'ok',
    });
  }
  markOrphans(ctx, volumes.values()); // files a job's cleanup left stay that job's orphans (orphans.ts)
  refuseInvalid(ctx, volumes, refused);
  linkBackings(ctx, scanned, volumes, refused);
  const vms = ctx.vms.names.map((name) => vmEntry(ctx, name, volumes, graphs.get(name), unknownVms.has(name)));
  const vmIds = new Set(vms.map((v) => v.id));
  // Records the scan did not confirm stay: ILLEGAL ones belong to a running job (not created yet, or
  // half-written while QEMU or the engine makes them), and a file that exists but could not be read
  // right now keeps its id. Only a legal record whose file is gone is dropped.
  const kept = stored.volumes.filter((v) => !volumes.has(v.path) && (v.state === 'illegal' || existsSync(v.path)));
  ctx.store.saveIfChanged({
    ...stored,
    volumes: [...volumes.values(), ...kept],
    vms: vms.map((v) => (v.running ? v : (stored.vms.find((s) => s.id === v.id) ?? v))),
  });
  const inventory: Inventory = {
    hosts: [{ id: ctx.name }],
    pools,
    volumes: [...volumes.values()],
    vms,
    snapshots: stored.snapshots.filter((s) => vmIds.has(s.vm)),
  };
  return { inventory, refused, graphs };
}

/**
 * A volume the schema refuses (an empty file reads as a raw image of size 0) is left out with
 * E_PLAN_BAD_INVENTORY, so one odd file never makes the whole inventory unreadable. Checked here,
 * one by one; the cache checks the rest of the inventory (inventory-cache/cache.ts).
 */
function refuseInvalid(ctx: AgentContext, volumes: Map<string, Volume>, refused: BuiltInventory['refused']): void {
  for (const [path, v] of volumes) {
    const r = VolumeSchema.safeParse(v);
    if (r.success) continue;
    volumes.delete(path);
    refused.push({ path, code: 'E_PLAN_BAD_INVENTORY' });
    ctx.log('volume-refused', { path, code: 'E_PLAN_BAD_INVENTORY', field: r.error.issues[0]?.path.join('.') });
  }
}

/** Backing names → volume ids, refusing (transitively) what points outside the roots or nowhere. */
function linkBackings(
  ctx: AgentContext,
  scanned: ScannedImage[],
  volumes: Map<string, Volume>,
  refused: BuiltInventory['refused'],
): void {
  const refuse = (path: string, code: string) => {
    if (!volumes.delete(path)) return false;
    refused.push({ path, code });
    ctx.log('volume-refused', { path, code });
    return true;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of scanned) {
      const v = volumes.get(s.path);
      if (!v || !s.backingName) continue;
      const target = resolveBacking(s.path, s.backingName);
      // A scanned file was reached from a root through real directories only: it is inside the
      // roots, so the realpath check (a walk of every directory on the way) is left for the rest.
      const found = volumes.get(target);
      const code = !found
        ? ctx.roots.allows(target)
          ? 'E_BACKING_MISSING'
          : 'E_AGENT_BACKING_OUTSIDE_ROOTS'
        : s.backingFormat !== 'raw' && s.backingFormat !== 'qcow2'
          ? 'E_BACKING_FORMAT_UNKNOWN'
          : found.format !== s.backingFormat
            ? 'E_BACKING_FORMAT_UNKNOWN'
            : null;
      if (code) changed = refuse(s.path, code) || changed;
      else v.backing = found!.id;
    }
  }
}

function vmEntry(
  ctx: AgentContext,
  name: string,
  volumes: Map<string, Volume>,
  graph: VmGraph | undefined,
  unknown: boolean,
): Vm {
  const last = ctx.store.data.vms.find((v) => v.id === name);
  // QEMU is there but did not answer (inventory-vms.ts): the VM as last seen running, never "not
  // running"; a job's QMP steps ask it again and fail retryably (E_QMP_TIMEOUT) if it still does not answer.
  if (!graph && unknown && last?.running) return last;
  const offline: Vm = {
    id: name,
    host: ctx.name,
    running: false,
    qmpSocket: ctx.vms.socketOf(name),
    disks: (last?.disks ?? []).map((d) => ({ ...d, nodes: [] })),
  };
  if (!graph) return offline;
  const disks: Vm['disks'] = [];
  for (const dev of graph.devices) {
    const layers = dev.layers.map((l) => ({ l, v: volumes.get(l.path) }));
    if (layers.some((x) => !x.v)) {
      ctx.log('disk-outside-inventory', { vm: name, disk: dev.target, paths: dev.layers.map((l) => l.path) });
      continue;
    }
    disks.push({
      target: dev.target,
      volume: layers[0]!.v!.id,
      nodes: layers.map(({ l, v }) => ({ volume: v!.id, node: l.node, fileNode: l.fileNode })),
    });
  }
  return { id: name, host: ctx.name, running: true, qmpSocket: ctx.vms.socketOf(name), disks };
}

/**
 * A root as a pool. Free space is rounded down to a quantum of capacity/4096 (a power of two, at
 * least 1 MiB): other writers on the file system move it every moment, and an exact figure would
 * make every refresh a new inventory generation. Rounded down, a plan never counts on space that is
 * not there; the agent checks the real free space again before it copies (space-check.ts).
 */
function poolOf(host: string, id: string, root: string) {
  const st = statfsSync(root);
  const fs = poolFs(root); // which pools rename into each other, and which share extents
  const capacity = st.blocks * st.bsize;
  const quantum = Math.max(MIB, 2 ** Math.ceil(Math.log2(Math.max(1, capacity / 4096))));
  return {
    id,
    host,
    type: 'dir' as const,
    root,
    capacity,
    free: Math.floor((st.bavail * st.bsize) / quantum) * quantum,
    ...(fs ? { fs } : {}),
  };
}

const MIB = 2 ** 20;

const changeLogged = new WeakMap<AgentContext, Set<string>>();

/** A probed file whose first bytes now say another format keeps its record; said once per file. */
function formatChanged(ctx: AgentContext, s: ScannedImage, id: string): void {
  const seen = changeLogged.get(ctx) ?? new Set<string>();
  changeLogged.set(ctx, seen);
  if (seen.has(s.path)) return;
  seen.add(s.path);
  ctx.log('format-changed', {
    path: s.path,
    volume: id,
    recorded: s.format,
    reads: s.magic,
    kept: s.format,
    hint: 'state it with --adopt VOLUME=FORMAT',
  });
}

// The inventory this agent reports (the planner's Inventory, this host only): pools from the roots,
// volumes from a scan merged with the store's records, VMs from their live block graphs. A volume
// whose backing file lies outside the roots, is missing, or has no recorded format is left out
// (and logged): no plan may touch it. Each volume says whether its format was stated or probed
// (format-source.ts); the graphs are read first so a running VM's drivers count as stated.
import { existsSync, statfsSync } from 'node:fs';
import { InventorySchema, type Inventory, type Volume, type Vm } from '../plan/inventory.js';
import { resolveBacking } from '../plan/paths.js';
import type { AgentContext } from './context.js';
import { knownFormats } from './format-source.js';
import { markOrphans } from './orphans.js';
import { scanRoots, type ScannedImage } from './scan.js';
import { readVmGraph, type VmGraph } from './vm-graph.js';
import { volumeIdFor } from './volume-ids.js';

export interface BuiltInventory { inventory: Inventory; refused: { path: string; code: string }[]; graphs: Map<string, VmGraph> }

/** Builds the inventory and keeps the scan's volumes in the store (so every id a plan names is known). */
export function buildInventory(ctx: AgentContext): Promise<BuiltInventory> {
  return ctx.storeLock.run(() => buildUnlocked(ctx));
}

export async function buildUnlocked(ctx: AgentContext): Promise<BuiltInventory> {
  const stored = ctx.store.data;
  const byPath = new Map(stored.volumes.map((v) => [v.path, v]));
  const graphs = await readGraphs(ctx);
  const known = new Map<string, ReturnType<ReturnType<typeof knownFormats>>>();
  const knownOf = knownFormats(ctx, graphs);
  const scanned = await scanRoots(ctx.roots.list, ctx.engine, (p) => { known.set(p, knownOf(p)); return known.get(p)?.format; }, ctx.log, [ctx.stateDir], ctx.files);
  const refused: BuiltInventory['refused'] = [];
  const ids = new Set<string>();
  const volumes = new Map<string, Volume>();
  for (const s of scanned) {
    const rec = byPath.get(s.path);
    const id = rec?.id ?? volumeIdFor(s.root.name, s.root.dir, s.path, (x) => ids.has(x) || stored.volumes.some((v) => v.id === x));
    ids.add(id);
    if (s.magic && s.magic !== s.format && known.get(s.path)?.source === 'probed') formatChanged(ctx, s, id);
    volumes.set(s.path, {
      id, pool: s.root.name, path: s.path, storage: 'file', format: s.format, formatSource: known.get(s.path)?.source ?? 'probed', virtualSize: s.virtualSize,
      allocated: s.allocated, backing: null, backingName: s.backingName, owner: rec?.owner ?? String(s.uid),
      mode: rec?.mode ?? s.mode, state: rec?.state ?? 'ok',
    });
  }
  markOrphans(ctx, volumes.values()); // files a job's cleanup left stay that job's orphans (orphans.ts)
  linkBackings(ctx, scanned, volumes, refused);
  const vms = ctx.vms.names.map((name) => vmEntry(ctx, name, volumes, graphs.get(name)));
  const vmIds = new Set(vms.map((v) => v.id));
  // Records the scan did not confirm stay: ILLEGAL ones belong to a running job (not created yet, or
  // half-written while QEMU or the engine makes them), and a file that exists but could not be read
  // right now keeps its id. Only a legal record whose file is gone is dropped.
  const kept = stored.volumes.filter((v) => !volumes.has(v.path) && (v.state === 'illegal' || existsSync(v.path)));
  ctx.store.save({ ...stored, volumes: [...volumes.values(), ...kept], vms: vms.map((v) => (v.running ? v : stored.vms.find((s) => s.id === v.id) ?? v)) });
  const inventory = InventorySchema.parse({
    hosts: [{ id: ctx.name }],
    pools: ctx.roots.list.map((r) => poolOf(ctx.name, r.name, r.dir)),
    volumes: [...volumes.values()],
    vms,
    snapshots: stored.snapshots.filter((s) => vmIds.has(s.vm)),
  });
  return { inventory, refused, graphs };
}

/** Backing names → volume ids, refusing (transitively) what points outside the roots or nowhere. */
function linkBackings(ctx: AgentContext, scanned: ScannedImage[], volumes: Map<string, Volume>, refused: BuiltInventory['refused']): void {
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
      const code = !ctx.roots.allows(target) ? 'E_AGENT_BACKING_OUTSIDE_ROOTS'
        : !volumes.has(target) ? 'E_BACKING_MISSING'
          : s.backingFormat !== 'raw' && s.backingFormat !== 'qcow2' ? 'E_BACKING_FORMAT_UNKNOWN'
            : volumes.get(target)!.format !== s.backingFormat ? 'E_BACKING_FORMAT_UNKNOWN' : null;
      if (code) changed = refuse(s.path, code) || changed;
      else v.backing = volumes.get(target)!.id;
    }
  }
}

/** The block graph of every VM that answers (an unreachable VM is logged and reads as off). */
async function readGraphs(ctx: AgentContext): Promise<Map<string, VmGraph>> {
  const graphs = new Map<string, VmGraph>();
  for (const name of ctx.vms.names) {
    try {
      graphs.set(name, await readVmGraph(await ctx.vms.session(name)));
    } catch (e) {
      ctx.log('vm-unreachable', { vm: name, code: (e as { code?: string }).code, message: (e as Error).message });
    }
  }
  return graphs;
}

function vmEntry(ctx: AgentContext, name: string, volumes: Map<string, Volume>, graph: VmGraph | undefined): Vm {
  const last = ctx.store.data.vms.find((v) => v.id === name);
  const offline: Vm = { id: name, host: ctx.name, running: false, qmpSocket: ctx.vms.socketOf(name), disks: (last?.disks ?? []).map((d) => ({ ...d, nodes: [] })) };
  if (!graph) return offline;
  const disks: Vm['disks'] = [];
  for (const dev of graph.devices) {
    const layers = dev.layers.map((l) => ({ l, v: volumes.get(l.path) }));
    if (layers.some((x) => !x.v)) {
      ctx.log('disk-outside-inventory', { vm: name, disk: dev.target, paths: dev.layers.map((l) => l.path) });
      continue;
    }
    disks.push({ target: dev.target, volume: layers[0]!.v!.id, nodes: layers.map(({ l, v }) => ({ volume: v!.id, node: l.node, fileNode: l.fileNode })) });
  }
  return { id: name, host: ctx.name, running: true, qmpSocket: ctx.vms.socketOf(name), disks };
}

function poolOf(host: string, id: string, root: string) {
  const st = statfsSync(root);
  return { id, host, type: 'dir' as const, root, capacity: st.blocks * st.bsize, free: st.bavail * st.bsize };
}

const changeLogged = new WeakMap<AgentContext, Set<string>>();

/** A probed file whose first bytes now say another format keeps its record; said once per file. */
function formatChanged(ctx: AgentContext, s: ScannedImage, id: string): void {
  const seen = changeLogged.get(ctx) ?? new Set<string>();
  changeLogged.set(ctx, seen);
  if (seen.has(s.path)) return;
  seen.add(s.path);
  ctx.log('format-changed', { path: s.path, volume: id, recorded: s.format, reads: s.magic, kept: s.format, hint: 'state it with --adopt VOLUME=FORMAT' });
}

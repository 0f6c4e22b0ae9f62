// Containment: every name a plan would make reach the file system is checked against the roots
// before use, whoever made the plan (a client, the agent itself from a request, a retry, the journal
// at recovery). Paths and precondition paths must resolve inside a root; backing names must resolve,
// against the directory of the image that records them, inside a root; modes of new files must be
// 0NNN without world-write; a new file goes to uid 0 only when its source belongs to uid 0 or the
// agent runs with --allow-owner root. What each action names comes from src/plan/action-names.ts.
import { VdiskError } from '../../errors/vdisk-error.js';
import { conditionPath, namesOf, type ImageRef, type NameRef } from '../../plan/action-names.js';
import type { ActionCall } from '../../plan/actions.js';
import type { Volume, Vm } from '../../plan/inventory.js';
import { isSafeMode } from '../../plan/modes.js';
import { resolveBacking } from '../../plan/paths.js';
import type { Plan } from '../../plan/plan-schema.js';
import { resolveOwner } from './owner.js';
import { planCalls, planScope } from '../jobs/plan-scope.js';
import type { Roots } from './roots.js';

/** What the agent knows of its host: volume records (path, owner) and the VMs' disk node chains. */
export interface World {
  volumes: (Pick<Volume, 'id' | 'path' | 'owner'> & { backing?: string | null })[];
  vms: Pick<Vm, 'id' | 'disks'>[];
}

export interface OwnerPolicy {
  allowRoot: boolean;
  sourceOwners: string[];
}

/**
 * `strict`: a backing name whose image cannot be placed is refused (a submitted plan). At run time a
 * relative name whose image the store cannot place yet is accepted only without `..`: it stays in
 * the directory of an image whose own path was checked.
 */
export interface CallChecks {
  roots: Roots;
  world: World;
  owners: OwnerPolicy;
  strict: boolean;
}

/** Checks a whole plan against `world` (the inventory as built now); throws the first refusal. */
export function containPlan(roots: Roots, plan: Plan, world: World, allowRoot: boolean): void {
  containConditions(roots, plan);
  const known: World = { volumes: [...world.volumes, ...newVolumes(plan)], vms: world.vms };
  const checks: CallChecks = { roots, world: known, owners: ownerPolicy(plan, world, allowRoot), strict: true };
  for (const call of planCalls(plan)) containCall(call, checks);
}

/** Precondition and postcondition paths: checked before anything asks whether they exist. */
export function containConditions(roots: Roots, plan: Pick<Plan, 'preconditions' | 'postconditions'>): void {
  for (const c of [...plan.preconditions, ...plan.postconditions]) {
    const path = conditionPath(c);
    if (path !== null) roots.resolve(path);
  }
}

export function containCall(call: ActionCall, c: CallChecks): void {
  for (const n of namesOf(call)) containName(n, c);
}

function containName(n: NameRef, c: CallChecks): void {
  switch (n.kind) {
    case 'path':
      c.roots.resolve(n.path);
      return;
    case 'backing':
      return containBacking(n.name, n.image, n.field, c);
    case 'mode':
      if (!isSafeMode(n.mode))
        throw new VdiskError('E_AGENT_UNSAFE_MODE', `mode ${n.mode} is not allowed for a new file`, {
          field: n.field,
          value: n.mode,
        });
      return;
    case 'owner':
      if (isRoot(n.owner) && !c.owners.allowRoot && !c.owners.sourceOwners.some(isRoot)) {
        throw new VdiskError(
          'E_AGENT_OWNER_ROOT',
          `owner ${n.owner} is uid 0 and the source does not belong to uid 0`,
          { field: n.field, value: n.owner },
        );
      }
  }
}

function containBacking(name: string, image: ImageRef, field: string, c: CallChecks): void {
  const outside = () =>
    new VdiskError('E_AGENT_BACKING_OUTSIDE_ROOTS', `the backing name in ${field} leads outside the storage roots`, {
      field,
    });
  const at = name.startsWith('/') ? '/' : imagePath(image, c.world);
  if (at === undefined) {
    if (c.strict || name.split('/').includes('..')) throw outside();
    return;
  }
  if (name.includes('\0') || !c.roots.allows(resolveBacking(at, name))) throw outside();
}

function imagePath(image: ImageRef, world: World): string | undefined {
  if ('path' in image) return image.path;
  if ('volume' in image) return world.volumes.find((v) => v.id === image.volume)?.path;
  for (const disk of world.vms.find((m) => m.id === image.vm)?.disks ?? []) {
    const i = disk.nodes.findIndex((n) => n.node === image.overlayOf);
    if (i > 0) return world.volumes.find((v) => v.id === disk.nodes[i - 1]!.volume)?.path;
  }
  return undefined;
}

/** Volume records the plan itself creates (they are not in the inventory yet). */
export function newVolumes(plan: Plan): Volume[] {
  return planCalls(plan).flatMap((call) => {
    if (call.action === 'create-volume') return [call.params.volume];
    if (call.action === 'inventory-update')
      return call.params.ops.flatMap((op) => (op.op === 'add-volume' ? [op.volume] : []));
    return [];
  });
}

/**
 * Owners of the existing volumes the plan copies from (the request's volume or the VM's disks, the
 * volumes its steps name, and their backing chains): a copy of a uid-0 file may stay uid 0.
 */
export function ownerPolicy(plan: Plan, world: World, allowRoot: boolean): OwnerPolicy {
  const created = new Set(newVolumes(plan).map((v) => v.id));
  const req = plan.request as { volume?: unknown; vm?: unknown };
  const disks = world.vms.find((m) => m.id === req.vm)?.disks ?? [];
  const todo = [
    ...planScope(plan).volumes,
    ...(typeof req.volume === 'string' ? [req.volume] : []),
    ...disks.flatMap((d) => [d.volume, ...d.nodes.map((n) => n.volume)]),
  ];
  const ids = new Set<string>();
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (ids.has(id) || created.has(id)) continue;
    ids.add(id);
    const backing = world.volumes.find((v) => v.id === id)?.backing;
    if (backing) todo.push(backing);
  }
  return { allowRoot, sourceOwners: world.volumes.filter((v) => ids.has(v.id)).map((v) => v.owner) };
}

const isRoot = (owner: string): boolean => owner === 'root' || resolveOwner(owner)?.uid === 0;

// Checks a plan's pre- and postconditions against the simulated world. Pool free space is not
// modelled by the simulator, so that condition always holds here.
import type { Condition } from '../conditions.js';
import type { SimWorld } from './world.js';

export function conditionHolds(w: SimWorld, c: Condition): boolean {
  const volume = (id: string) => w.inv.volumes.find((v) => v.id === id);
  switch (c.check) {
    case 'volume-state':
      return volume(c.volume)?.state === c.state;
    case 'file-exists':
      return w.files.has(c.path);
    case 'file-absent':
      return !w.files.has(c.path);
    case 'pool-free':
      return true;
    case 'vm-running':
      return w.inv.vms.find((m) => m.id === c.vm)?.running === c.running;
    case 'disk-volume':
      return w.inv.vms.find((m) => m.id === c.vm)?.disks.find((d) => d.target === c.disk)?.volume === c.volume;
    case 'volume-path':
      return volume(c.volume)?.path === c.path;
    case 'no-volume':
      return volume(c.volume) === undefined;
  }
}

export function failedConditions(w: SimWorld, conditions: Condition[]): Condition[] {
  return conditions.filter((c) => !conditionHolds(w, c));
}

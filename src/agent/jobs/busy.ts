// Per-volume and per-VM serialization: a plan holds its VMs, volumes and files from submission to
// its end; a second plan touching any of them is refused with E_BUSY naming the holder.
import { VdiskError } from '../../errors/vdisk-error.js';
import type { PlanScope } from './plan-scope.js';

export class BusyTable {
  private readonly holders = new Map<string, string>();

  private static keys(s: PlanScope): string[] {
    return [...s.vms.map((v) => `vm ${v}`), ...s.volumes.map((v) => `volume ${v}`), ...s.paths.map((p) => `file ${p}`)];
  }

  /** Takes every resource of the scope for `job`, or none (E_BUSY). */
  acquire(job: string, scope: PlanScope): void {
    const keys = BusyTable.keys(scope);
    const clash = keys.find((k) => this.holders.has(k) && this.holders.get(k) !== job);
    if (clash) {
      const holder = this.holders.get(clash)!;
      throw new VdiskError('E_BUSY', `${clash} is held by job ${holder}`, { job: holder, resource: clash });
    }
    for (const k of keys) this.holders.set(k, job);
  }

  /** Keeps only `keep` of what `job` holds (a switched job keeps the old files it still wipes and deletes). */
  narrow(job: string, keep: PlanScope): void {
    const kept = new Set(BusyTable.keys(keep));
    for (const [k, j] of this.holders) if (j === job && !kept.has(k)) this.holders.delete(k);
  }

  release(job: string): void {
    for (const [k, j] of this.holders) if (j === job) this.holders.delete(k);
  }
}

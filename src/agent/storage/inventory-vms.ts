// Each configured VM's block graph, and whether the VM is off or only did not answer. Off means QEMU
// is not there: no socket file, or nothing listening on it (ECONNREFUSED, ENOENT). Anything else — a
// connect or greeting timeout, a full backlog (EAGAIN: QEMU serves one client and the last one, an
// agent killed a moment ago, is not let go yet), a dropped or garbled answer — says QEMU is there but
// busy: the VM is asked once more on a fresh session, and if it still does not answer its state is
// unknown, which the inventory must never report as "not running" (a plan would be refused for good
// with E_PLAN_VM_NOT_RUNNING, or planned as if the guest had stopped).
import { existsSync } from 'node:fs';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { AgentContext } from '../context.js';
import { readVmGraph, type VmGraph } from '../vm/vm-graph.js';

/** How long to wait before asking a VM that did not answer once more. */
export const VM_REQUERY_MS = 200;

const OFF_ERRNO = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTSOCK']);

/** True when the failure proves QEMU is not there (the VM is off); false when it only did not answer. */
export function provesOff(e: unknown): boolean {
  const err = e as { code?: string; detail?: { errno?: string } };
  return err?.code === 'E_QMP_CONNECT' && OFF_ERRNO.has(String(err.detail?.errno));
}

export interface VmGraphs {
  graphs: Map<string, VmGraph>;
  /** VMs whose QEMU is there but did not answer twice: running or not, unknown. */
  unknown: Set<string>;
}

const unreachable = new WeakMap<AgentContext, Set<string>>();

async function ask(ctx: AgentContext, name: string): Promise<VmGraph> {
  // No socket, no QEMU: off, without a connection attempt (100 VMs off cost 100 failed connects per refresh).
  if (!existsSync(ctx.vms.socketOf(name)!))
    throw new VdiskError('E_QMP_CONNECT', `no QMP socket for VM ${name}`, { vm: name, errno: 'ENOENT' });
  return readVmGraph(await ctx.vms.session(name));
}

/** The block graph of every VM that answers; an unreachable VM reads as off or unknown (logged when it goes so). */
export async function readGraphs(ctx: AgentContext): Promise<VmGraphs> {
  const graphs = new Map<string, VmGraph>();
  const unknown = new Set<string>();
  const down = unreachable.get(ctx) ?? new Set<string>();
  unreachable.set(ctx, down);
  for (const name of ctx.vms.names) {
    try {
      graphs.set(name, await ask(ctx, name));
      down.delete(name);
    } catch (first) {
      let e = first;
      if (!provesOff(first)) {
        await new Promise((r) => setTimeout(r, VM_REQUERY_MS));
        try {
          graphs.set(name, await ask(ctx, name));
          down.delete(name);
          continue;
        } catch (again) {
          e = again;
          if (!provesOff(again)) unknown.add(name);
        }
      }
      const state = unknown.has(name) ? 'unknown' : 'off';
      if (!down.has(name) || unknown.has(name))
        ctx.log('vm-unreachable', {
          vm: name,
          state,
          code: (e as { code?: string }).code,
          message: (e as Error).message,
        });
      down.add(name);
    }
  }
  return { graphs, unknown };
}

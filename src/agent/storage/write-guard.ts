// Before an offline step writes or removes an image: the path must pass the roots check, no running
// VM may have the file open (checked in every configured VM's block graph: QEMU's own image locks
// are OFD locks that flock does not see), and the agent holds an exclusive flock on the file while it
// writes, so two writers (another agent, a second job) never meet on one image.
import { existsSync, realpathSync } from 'node:fs';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { AgentContext } from '../context.js';
import { readVmGraph } from '../vm/vm-graph.js';
import { libc, LOCK } from '../../io/native/libc.js';

/** Throws E_AGENT_IMAGE_IN_USE when a running VM has `path` open. VMs that do not answer hold nothing. */
export async function assertNotInUse(ctx: AgentContext, path: string): Promise<void> {
  const real = existsSync(path) ? realpathSync(path) : path;
  for (const vm of ctx.vms.names) {
    const graph = await ctx.vms
      .session(vm)
      .then(readVmGraph)
      .catch(() => undefined);
    const open = graph?.openFiles.some((f) => f === real || (existsSync(f) && realpathSync(f) === real));
    if (open) throw new VdiskError('E_AGENT_IMAGE_IN_USE', `VM '${vm}' has ${path} open`, { path, vm });
  }
}

/**
 * Runs `fn` holding an exclusive, non-blocking flock on `path`. A file that does not exist yet is
 * being created by `fn` (the engine writes a temp file and renames it): there is nothing to lock.
 * The lock's descriptor is opened through safe-open too (no symlink, inside a root).
 */
export async function withImageLock<T>(ctx: AgentContext, path: string, fn: () => Promise<T>): Promise<T> {
  ctx.roots.resolve(path);
  await assertNotInUse(ctx, path);
  if (!existsSync(path)) return fn();
  const f = await ctx.files.open(path, 'lock');
  try {
    const sys = libc();
    if (!sys) throw new VdiskError('E_AGENT_LOCKED', `${path} cannot be locked: koffi (flock) did not load`, { path });
    const r = sys.flock(f.handle.fd, LOCK.EX | LOCK.NB);
    if (r !== 0) throw new VdiskError('E_AGENT_LOCKED', `${path} is locked by another process (${r})`, { path });
    return await fn();
  } finally {
    await f.handle.close(); // closing the descriptor drops the lock
  }
}

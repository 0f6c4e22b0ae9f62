// Empties a qcow2 overlay after a commit (qemu-img commit's make_empty): the same image options and
// backing file, no clusters. Written as a new file under a temporary name and renamed over the old
// one, so the overlay is always either the old one (whose data the base now holds too) or empty.
import type { Engine } from '../core/engine.js';
import { Qcow2Writer } from '../qcow2/writer.js';
import { paramsOf, targetFacts } from '../copy/reuse.js';
import { openTarget, type FileAccess } from './open.js';

export async function emptyQcow2(engine: Engine, path: string, files?: FileAccess): Promise<void> {
  const old = await openTarget(path, { reuse: true }, files);
  const f = await targetFacts(engine, old);
  await old.abort();
  const fresh = await openTarget(path, { overwrite: true }, files);
  try {
    const backing = f.backingName !== undefined ? { name: f.backingName, format: f.backingFormat ?? 'raw' } : undefined;
    await new Qcow2Writer(fresh, paramsOf(f), { size: f.size, backing }).finish();
    await fresh.commit();
  } catch (e) {
    await fresh.abort();
    throw e;
  }
}

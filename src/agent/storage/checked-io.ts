// The engine's file access for the agent: every image the engine reads or writes by name (sources,
// backing layers through the gate, targets, the temporary file of a new image) is opened through
// safe-open and handed over as the checked descriptor, so no byte moves through a name. The copy
// path is unchanged: the same NodeFileSource/NodeFileTarget, built on the descriptor.
import type { FileHandle } from 'node:fs/promises';
import { existsSync, lstatSync } from 'node:fs';
import type { BackingGate, GateAnswer, GateRequest } from '../../engine/read/gate.js';
import { resolveRelative } from '../../host/node-gate.js';
import type { FileAccess, TargetOpenOptions } from '../../engine/ops/open.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { NodeFileSource } from '../../io/node-file-source.js';
import { NodeFileTarget, removeStaleTemporaries, tempNameFor } from '../../io/node-file-target.js';
import type { ImageSource } from '../../io/source.js';
import { dirname } from 'node:path';
import type { CheckedFiles } from './safe-open.js';

export async function checkedSource(files: CheckedFiles, path: string): Promise<NodeFileSource> {
  const f = await files.open(path, 'read');
  return NodeFileSource.adopt(path, f.handle, f.stat.size);
}

export interface NewFileOptions extends TargetOpenOptions {
  /** Runs on the new file's descriptor before it gets its name (mode and owner set on the descriptor). */
  prepare?: (handle: FileHandle) => Promise<void>;
}

/**
 * A target written in place (reuse), or a new file: its temporary name created O_EXCL|O_NOFOLLOW in
 * a checked directory, renamed into place only while the directory is still its real path and the
 * temporary name still names the file written.
 */
export async function checkedTarget(
  files: CheckedFiles,
  path: string,
  o: NewFileOptions = {},
): Promise<NodeFileTarget> {
  if (o.reuse) {
    const f = await files.open(path, 'write');
    return NodeFileTarget.adopt(f.handle, { name: path, durable: o.durable });
  }
  files.roots.resolve(path);
  const st = lstatSync(path, { throwIfNoEntry: false });
  if (st?.isDirectory() || (st && !o.overwrite)) throw new VdiskError('E_TARGET_EXISTS', undefined, { path });
  await removeStaleTemporaries(path);
  const tmp = await files.create(tempNameFor(path), 0o600); // private while it is written
  // A replaced file keeps its permission bits; a new one gets 0644, as the engine's own targets do.
  const mode = st ? st.mode & 0o777 : 0o644;
  return NodeFileTarget.adopt(tmp.handle, {
    name: path,
    tempPath: tmp.path,
    durable: o.durable,
    beforeRename: async (handle) => {
      await handle.chmod(mode);
      await o.prepare?.(handle);
      await files.assertSame(tmp);
      await files.checkDir(dirname(path));
    },
  });
}

export function engineFiles(files: CheckedFiles): FileAccess {
  return {
    source: (path) => checkedSource(files, path),
    target: (path, o) => checkedTarget(files, path, o),
    resolve: resolveRelative,
  };
}

/** Backing and data files named inside an image: resolved as QEMU does, then opened and checked. */
export class CheckedGate implements BackingGate {
  constructor(private readonly files: CheckedFiles) {}

  async identify(source: ImageSource): Promise<string> {
    return source.name; // checked opens are real paths: the name is the identity
  }

  async open(req: GateRequest): Promise<GateAnswer> {
    const path = resolveRelative(req.name, req.from.name);
    if (!this.files.roots.allows(path))
      throw new VdiskError('E_BACKING_DENIED', `${path} is outside the allowed roots`, { path });
    if (!existsSync(path)) {
      const code = req.kind === 'backing' ? 'E_BACKING_MISSING' : 'E_QCOW2_DATA_FILE_MISSING';
      throw new VdiskError(code, `${req.kind === 'backing' ? 'backing file' : 'data file'} ${path} does not exist`, {
        path,
        named: req.name,
      });
    }
    return { source: await checkedSource(this.files, path), identity: path, resolved: path };
  }
}

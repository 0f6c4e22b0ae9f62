// The default gate for the CLI on a host: names resolve against the directory of the image that
// names them (as QEMU does); identities are real paths, so loops through symlinks are caught too.
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join } from 'node:path';
import { NodeFileSource } from '../io/node-file-source.js';
import type { ImageSource } from '../io/source.js';
import type { BackingGate, GateAnswer, GateRequest } from '../engine/read/gate.js';
import { VdiskError } from '../errors/vdisk-error.js';

export interface NodeGateOptions {
  /** When set, only paths under these directories may be opened. */
  roots?: string[];
}

export function resolveRelative(name: string, from: string): string {
  return isAbsolute(name) ? name : join(dirname(from), name);
}

export class NodeGate implements BackingGate {
  constructor(private readonly opts: NodeGateOptions = {}) {}

  async identify(source: ImageSource): Promise<string> {
    return realpath(source.name).catch(() => source.name);
  }

  async open(req: GateRequest): Promise<GateAnswer> {
    const path = resolveRelative(req.name, req.from.name);
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      const code = req.kind === 'backing' ? 'E_BACKING_MISSING' : 'E_QCOW2_DATA_FILE_MISSING';
      throw new VdiskError(code, `${req.kind === 'backing' ? 'backing file' : 'data file'} ${path} does not exist`, {
        path,
        named: req.name,
        from: req.from.name,
      });
    }
    if (this.opts.roots && !this.opts.roots.some((r) => real === r || real.startsWith(r.endsWith('/') ? r : `${r}/`))) {
      throw new VdiskError('E_BACKING_DENIED', `${path} is outside the allowed roots`, { path });
    }
    return { source: await NodeFileSource.open(path), identity: real, resolved: path };
  }
}

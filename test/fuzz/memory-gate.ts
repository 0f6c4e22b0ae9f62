// A backing gate over in-memory files: a damaged image's backing or data-file name opens one of its
// base's sibling files when the name matches, else it is missing, as a file gate answers.
import type { BackingGate, GateAnswer, GateRequest } from '../../src/engine/read/gate.js';
import type { ImageSource } from '../../src/io/source.js';
import { MemorySource } from '../../src/io/memory-source.js';
import { VdiskError } from '../../src/errors/vdisk-error.js';

export class MemoryGate implements BackingGate {
  constructor(private readonly files: Record<string, Uint8Array>) {}

  async open(req: GateRequest): Promise<GateAnswer> {
    const name = req.name.replace(/^\.\//, '');
    const bytes = Object.hasOwn(this.files, name) ? this.files[name] : undefined;
    if (!bytes) throw new VdiskError('E_BACKING_MISSING', `${req.kind} ${req.name} does not exist`, { path: req.name });
    return { source: new MemorySource(bytes, { name }), identity: name, resolved: name };
  }

  async identify(source: ImageSource): Promise<string> {
    return source.name;
  }
}

// Everything the engine's operations need to work on names on a Node host, in one object to spread
// into their options: the engine (loaded from dist/), the file access and the backing gate.
import type { Engine } from '../engine/core/engine.js';
import type { BackingGate } from '../engine/read/gate.js';
import type { FileAccess } from '../engine/ops/open.js';
import { nodeFiles } from './node-files.js';
import { NodeGate, type NodeGateOptions } from './node-gate.js';
import { createNodeEngine } from './node-engine.js';

export interface NodeHost {
  newEngine: () => Promise<Engine>;
  files: FileAccess;
  gate: BackingGate;
}

export function nodeHost(gate: NodeGateOptions = {}): NodeHost {
  return { newEngine: () => createNodeEngine(), files: nodeFiles, gate: new NodeGate(gate) };
}

// An engine for Node hosts, and the usual way to open an image there: file or URL, backing chain
// through the default gate (relative names resolve next to the naming image).
import { Engine, type EngineOptions } from '../engine/core/engine.js';
import type { EngineFlavor } from '../engine/core/load.js';
import { openChain, type Chain, type ChainOptions } from '../engine/read/chain.js';
import { openSource } from '../io/open-source.js';
import { loadEngineNode } from './load-node.js';
import { NodeGate } from './node-gate.js';

export async function createNodeEngine(opts: EngineOptions & { flavor?: EngineFlavor } = {}): Promise<Engine> {
  const { exports, flavor } = await loadEngineNode(opts.flavor);
  return new Engine(exports, flavor, opts);
}

export async function openImageNode(engine: Engine, path: string, opts: ChainOptions = {}): Promise<Chain> {
  const source = await openSource(path);
  return openChain(engine, source, { gate: new NodeGate(), ...opts });
}

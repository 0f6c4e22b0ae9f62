// One Wasm engine for the agent, used by one caller at a time: the engine keeps per-call state
// (queued I/O requests, run lists) in its linear memory, so two interleaved async calls would mix
// them up.
import type { Engine } from '../../engine/core/engine.js';
import { createNodeEngine } from '../../host/node-engine.js';
import { Serial } from '../jobs/serial.js';

export class EngineAccess {
  private engine: Promise<Engine> | undefined;
  private readonly queue = new Serial();

  use<T>(fn: (engine: Engine) => Promise<T>): Promise<T> {
    this.engine ??= createNodeEngine();
    return this.queue.run(async () => fn(await this.engine!));
  }
}

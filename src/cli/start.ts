// `vdisk start`: for now, writes the demo chain and shows what the engine reads from it (info and
// map). The whole system (gateway, agent, console) joins here as those parts land.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from './io.js';
import type { Engine } from '../engine/engine.js';
import { writeDemoChain } from './demo-image.js';
import { infoVerb, mapVerb } from './image-verbs.js';

export async function startVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const dir = argv[0] ?? join(tmpdir(), 'vdisk-demo');
  const { top } = await writeDemoChain(dir);
  io.stdout(`vdisk demo: a qcow2 overlay on a raw base in ${dir}\n\n`);
  const rc = await infoVerb(engine, ['--backing-chain', top], io);
  if (rc !== 0) return rc;
  io.stdout('\n');
  return mapVerb(engine, ['--output=json', top], io);
}

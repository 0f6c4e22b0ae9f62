// vdisk command line: qemu-img-like verbs over the Wasm engine, plus plan/agent/gateway/start.
import { processIo, type CliIo } from './io.js';
import { createNodeEngine } from '../engine/node-engine.js';
import { infoVerb, mapVerb, compareVerb } from './image-verbs.js';
import { checkVerb } from './verbs/check.js';
import { convertVerb } from './verbs/convert.js';
import { createVerb } from './verbs/create.js';
import { measureVerb } from './verbs/measure.js';
import { commitVerb } from './verbs/commit.js';
import { rebaseVerb } from './verbs/rebase.js';
import { resizeVerb } from './verbs/resize.js';
import { readFile } from 'node:fs/promises';
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';

// Heavy verbs (planner, agent, gateway, start) load on first use: `vdisk map` should not pay for zod
// and hono at start-up.
type Verb = (argv: string[], io: CliIo) => Promise<number>;

const withEngine = (f: (e: Awaited<ReturnType<typeof createNodeEngine>>, argv: string[], io: CliIo) => Promise<number>): Verb =>
  async (argv, io) => f(await createNodeEngine(), argv, io);

const VERBS: Record<string, Verb> = {
  info: withEngine(infoVerb),
  map: withEngine(mapVerb),
  compare: withEngine(compareVerb),
  check: withEngine(checkVerb),
  convert: withEngine(convertVerb),
  create: withEngine(createVerb),
  measure: withEngine(measureVerb),
  commit: withEngine(commitVerb),
  rebase: withEngine(rebaseVerb),
  resize: withEngine(resizeVerb),
  start: withEngine(async (e, argv, io) => (await import('./start.js')).startVerb(e, argv, io)),
  plan: async (argv, io) => (await import('./plan-command.js')).planCommand(argv, { ...io, readFile: (p) => readFile(p, 'utf8') }),
  gateway: async (argv, io) => (await import('../gateway/cli.js')).gatewayCommand(argv, io),
  agent: async (argv, io) => (await import('../agent/cli.js')).agentCommand(argv, io),
};

/** Exit code qemu-img uses for errors of each verb (compare: 2, the rest: 1). */
const ERROR_EXIT: Record<string, number> = { compare: 2, check: 1 };

const USAGE = `usage: vdisk <verb> [options]
verbs: ${Object.keys(VERBS).join(', ')}
`;

export async function run(argv: string[], io: CliIo = processIo): Promise<number> {
  const [verb, ...rest] = argv;
  const f = verb !== undefined ? VERBS[verb] : undefined;
  if (!f) {
    io.stderr(verb === undefined || verb === '--help' ? USAGE : `vdisk: unknown verb ${verb}\n${USAGE}`);
    return verb === '--help' ? 0 : 1;
  }
  try {
    return await f(rest, io);
  } catch (e) {
    const err = isVdiskError(e) ? e : new VdiskError('E_USAGE', (e as Error).message);
    if (!isVdiskError(e) && !(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(e as Error).stack}\n`);
    }
    io.stderr(`vdisk ${verb}: ${err.toLine()}\n`);
    return ERROR_EXIT[verb!] ?? 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (invokedDirectly) {
  run(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}

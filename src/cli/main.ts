// vdisk command line: qemu-img-like verbs over the Wasm engine, plus plan/agent/gateway/start.
import { processIo, type CliIo } from './io.js';
import { readFile } from 'node:fs/promises';
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';

// Every verb loads on first use, so a verb pays only for its own modules: `vdisk map` does not
// load zod and hono, `vdisk convert` does not load the check printer (Node's start-up is most of a
// short command's time; see docs/engine-write.md, performance).
type Verb = (argv: string[], io: CliIo) => Promise<number>;
type Engine = Awaited<ReturnType<typeof import('../engine/node-engine.js').createNodeEngine>>;
type EngineVerb = (e: Engine, argv: string[], io: CliIo) => Promise<number>;

const withEngine = (load: () => Promise<EngineVerb>): Verb => async (argv, io) => {
  const [{ createNodeEngine }, f] = await Promise.all([import('../engine/node-engine.js'), load()]);
  return f(await createNodeEngine(), argv, io);
};

const VERBS: Record<string, Verb> = {
  info: withEngine(async () => (await import('./image-verbs.js')).infoVerb),
  map: withEngine(async () => (await import('./image-verbs.js')).mapVerb),
  compare: withEngine(async () => (await import('./image-verbs.js')).compareVerb),
  check: withEngine(async () => (await import('./verbs/check.js')).checkVerb),
  convert: withEngine(async () => (await import('./verbs/convert.js')).convertVerb),
  create: withEngine(async () => (await import('./verbs/create.js')).createVerb),
  measure: withEngine(async () => (await import('./verbs/measure.js')).measureVerb),
  commit: withEngine(async () => (await import('./verbs/commit.js')).commitVerb),
  rebase: withEngine(async () => (await import('./verbs/rebase.js')).rebaseVerb),
  resize: withEngine(async () => (await import('./verbs/resize.js')).resizeVerb),
  start: withEngine(async () => (await import('./start.js')).startVerb),
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

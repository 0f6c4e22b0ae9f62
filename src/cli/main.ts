// vdisk command line: qemu-img-like verbs over the Wasm engine, plus plan/agent/gateway/start.
import { processIo, type CliIo } from './io.js';
import { readFile } from 'node:fs/promises';
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';
import { describeCode } from '../errors/codes.js';
import { generalHelp, verbHelp } from './help.js';
import { version } from '../../package.json';

// Every verb loads on first use, so a verb pays only for its own modules: `vdisk map` does not
// load zod and hono, `vdisk convert` does not load the check printer (Node's start-up is most of a
// short command's time; see docs/engine-write.md, performance).
type Engine = Awaited<ReturnType<typeof import('../host/node-engine.js').createNodeEngine>>;
/** Where a verb gets its engine: a new one by default; an in-process caller may share one. */
export type EngineSource = () => Promise<Engine>;
type Verb = (argv: string[], io: CliIo, engine: EngineSource) => Promise<number>;
type EngineVerb = (e: Engine, argv: string[], io: CliIo) => Promise<number>;

const newEngine: EngineSource = async () => (await import('../host/node-engine.js')).createNodeEngine();
const withEngine =
  (load: () => Promise<EngineVerb>): Verb =>
  async (argv, io, engine) => {
    const [e, f] = await Promise.all([engine(), load()]);
    return f(e, argv, io);
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
  plan: async (argv, io) =>
    (await import('./plan-command.js')).planCommand(argv, { ...io, readFile: (p) => readFile(p, 'utf8') }),
  gateway: async (argv, io) => (await import('../gateway/cli.js')).gatewayCommand(argv, io),
  agent: async (argv, io) => (await import('../agent/cli.js')).agentCommand(argv, io),
  job: async (argv, io) => (await import('./job/verb.js')).jobVerb(argv, io),
};

/** Exit code qemu-img uses for errors of each verb (compare: 2, the rest: 1). */
const ERROR_EXIT: Record<string, number> = { compare: 2, check: 1 };

/** `-h`/`--help` among a verb's options (not after `--`, where it is an argument). */
const asksHelp = (args: string[]): boolean => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '-h' || a === '--help');
};
const unknownVerb = (verb: string) =>
  `vdisk: unknown verb ${verb}\nverbs: ${Object.keys(VERBS).join(', ')}\nsee vdisk help\n`;

export async function run(argv: string[], io: CliIo = processIo, engine = newEngine): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) {
    io.stderr(generalHelp());
    return 1;
  }
  if (verb === '--version' || verb === '-V') {
    io.stdout(`vdisk ${version}\n`);
    return 0;
  }
  if ((verb === 'help' && rest[0] === undefined) || verb === '--help' || verb === '-h') {
    io.stdout(generalHelp());
    return 0;
  }
  const name = verb === 'help' ? rest[0]! : verb;
  const f = Object.hasOwn(VERBS, name) ? VERBS[name] : undefined;
  if (!f) {
    io.stderr(unknownVerb(name));
    return 1;
  }
  // Help never loads the verb's module or the engine.
  if (verb === 'help' || asksHelp(rest)) {
    io.stdout(verbHelp(name));
    return 0;
  }
  try {
    return await f(rest, io, engine);
  } catch (e) {
    let err = isVdiskError(e) ? e : new VdiskError('E_USAGE', (e as Error).message);
    if (!isVdiskError(e) && !(e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`${(e as Error).stack}\n`);
    }
    // A generic usage or option hint names this verb's help; a hint of the error's own is kept.
    if ((err.code === 'E_USAGE' || err.code === 'E_BAD_OPTION') && err.detail.hint === describeCode(err.code).hint) {
      err = new VdiskError(err.code, err.message, { ...err.detail, hint: `see vdisk help ${verb}` });
    }
    io.stderr(`vdisk ${verb}: ${err.toLine()}\n`);
    return ERROR_EXIT[verb] ?? 1;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].split('/').pop()!);
if (invokedDirectly) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

// `vdisk plan <kind> --inventory FILE [options] [--output=json|text]` and `vdisk plan --schema`.
// Reads the inventory (and optionally a request file), plans, prints; the planner itself is pure.
import { z } from 'zod';
import { isVdiskError, VdiskError } from '../errors/vdisk-error.js';
import { FLAG_BITS } from '../plan/block-copy-flags.js';
import { counterIds } from '../plan/ids.js';
import { InventorySchema } from '../plan/inventory.js';
import { planRequest } from '../plan/plan.js';
import { planJsonSchema } from '../plan/plan-schema.js';
import { renderPlanText } from '../plan/render-text.js';
import { PlanRequestSchema } from '../plan/requests.js';
import { verbHelp } from './help.js';
import { PLAN } from './options/service.js';

export interface PlanIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readFile: (p: string) => Promise<string>;
}

export async function planCommand(argv: string[], io: PlanIo): Promise<number> {
  try {
    const { positional, options, ordered } = parseArgs(argv);
    if (options.has('schema')) return printSchema(one(options, 'schema') || 'plan', io);
    const output = one(options, 'output') || 'text';
    if (output !== 'json' && output !== 'text') throw usage(`--output must be json or text, not ${output}`);
    const inventoryFile = one(options, 'inventory');
    if (!inventoryFile) throw usage('--inventory FILE is required');
    const inventory = await readJson(io, inventoryFile);
    const requestFile = one(options, 'request');
    const request = requestFile ? await readJson(io, requestFile) : buildRequest(positional[0], options, ordered);
    const prefix = one(options, 'id-prefix') || `v${Date.now().toString(36).slice(-6)}`;
    const plan = planRequest(request, inventory, counterIds(prefix));
    io.stdout(output === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : renderPlanText(plan));
    return 0;
  } catch (e) {
    const err = isVdiskError(e) ? e : new VdiskError('E_PLAN_STEP_FAILED', String(e));
    io.stderr(`${err.toLine()}\n`);
    if (err.code === 'E_USAGE') io.stderr(verbHelp('plan'));
    return err.code === 'E_USAGE' ? 2 : 1;
  }
}

type Options = Map<string, string[]>;

function parseArgs(argv: string[]): { positional: string[]; options: Options; ordered: [string, string][] } {
  const positional: string[] = [];
  const options: Options = new Map();
  const ordered: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-')) {
      positional.push(arg);
      continue;
    }
    if (!arg.startsWith('--')) throw usage(`unknown option ${arg} (plan's options are all --long)`);
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const row = Object.hasOwn(PLAN.options, name) ? PLAN.options[name as keyof typeof PLAN.options] : undefined;
    if (!row) throw usage(`unknown option --${name}`);
    let value = eq < 0 ? '' : arg.slice(eq + 1);
    // A flag (--wipe) or an optional value (--schema[=WHICH]) takes no next argument.
    if (eq < 0 && row.type === 'string' && !('arg' in row && row.arg.startsWith('[='))) {
      if (i + 1 >= argv.length) throw usage(`--${name} needs a value`);
      value = argv[++i]!;
    }
    options.set(name, [...(options.get(name) ?? []), value]);
    ordered.push([name, value]);
  }
  return { positional, options, ordered };
}

const one = (o: Options, name: string): string | undefined => o.get(name)?.at(-1);

function buildRequest(kind: string | undefined, o: Options, ordered: [string, string][]): unknown {
  const num = (name: string) => (one(o, name) === undefined ? undefined : Number(one(o, name)));
  switch (kind) {
    case 'move':
      return {
        kind,
        volume: one(o, 'volume'),
        toPool: one(o, 'to-pool'),
        shape: one(o, 'shape'),
        verify: one(o, 'verify'),
        wipeSource: o.has('wipe'),
        method: one(o, 'method'),
      };
    case 'clone':
      return {
        kind,
        volume: one(o, 'volume'),
        toPool: one(o, 'to-pool'),
        name: one(o, 'name'),
        format: one(o, 'format'),
        capacity: num('capacity'),
        shape: one(o, 'shape'),
        owner: one(o, 'owner'),
        mode: one(o, 'mode'),
        verify: one(o, 'verify'),
      };
    case 'block-copy':
      return { kind, vm: one(o, 'vm'), finish: one(o, 'finish'), disks: copyDisks(ordered) };
    case 'snapshot':
      return { kind, vm: one(o, 'vm'), name: one(o, 'name'), disks: one(o, 'disks')?.split(',') };
    case 'snapshot-delete':
      return { kind, vm: one(o, 'vm'), snapshot: one(o, 'snapshot'), mode: one(o, 'mode') };
    default:
      throw usage(kind ? `unknown plan kind '${kind}'` : 'which plan? give a kind');
  }
}

/** Each --disk starts a new disk; --dest/--pool/--name/--flags/--format after it belong to it. */
function copyDisks(ordered: [string, string][]): Record<string, unknown>[] {
  const disks: Record<string, unknown>[] = [];
  for (const [name, value] of ordered) {
    if (name === 'disk') {
      disks.push({ disk: value });
      continue;
    }
    const d = disks.at(-1);
    if (!d || !['dest', 'pool', 'name', 'flags', 'format'].includes(name)) continue;
    if (name === 'dest') d.path = value;
    else if (name === 'flags') d.flags = parseFlags(value);
    else d[name] = value;
  }
  if (!disks.length) throw usage('block-copy needs at least one --disk');
  return disks;
}

function parseFlags(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const bits: Record<string, number> = {
    copy: FLAG_BITS.copy,
    shallow: FLAG_BITS.shallow,
    'reuse-ext': FLAG_BITS.reuseExt,
    reuse_ext: FLAG_BITS.reuseExt,
    'copy-raw': FLAG_BITS.copyRaw,
    copy_raw: FLAG_BITS.copyRaw,
    relative: FLAG_BITS.relative,
  };
  return value
    .split(/[|,]/)
    .filter(Boolean)
    .reduce((n, f) => {
      const bit = bits[f.toLowerCase()];
      if (bit === undefined) throw usage(`unknown copy flag '${f}'`);
      return n | bit;
    }, 0);
}

function printSchema(which: string, io: PlanIo): number {
  const schemas: Record<string, () => unknown> = {
    plan: planJsonSchema,
    request: () => z.toJSONSchema(PlanRequestSchema, { io: 'input', unrepresentable: 'any' }),
    inventory: () => z.toJSONSchema(InventorySchema, { io: 'input', unrepresentable: 'any' }),
  };
  const make = schemas[which];
  if (!make) throw usage(`--schema takes plan, request or inventory, not ${which}`);
  io.stdout(`${JSON.stringify(make(), null, 2)}\n`);
  return 0;
}

async function readJson(io: PlanIo, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (e) {
    throw new VdiskError('E_NOT_FOUND', `cannot read ${path}: ${(e as Error).message}`, { path });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VdiskError('E_USAGE', `${path} is not JSON: ${(e as Error).message}`, { path });
  }
}

const usage = (message: string) => new VdiskError('E_USAGE', message);

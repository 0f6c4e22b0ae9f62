// `vdisk job`: jobs through a gateway from a shell. submit (a request, or a previewed plan), status,
// list, events (follows until the end, resuming with Last-Event-ID), cancel and retry (the agent
// builds the retry plan from its own journaled report). `vdisk plan` still runs nothing.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { JOB } from '../options/service.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { CliIo } from '../io.js';
import { gatewayClient, readToken, type GatewayClient } from './client.js';
import { followEvents } from './follow.js';
import { printJob, printJobs } from './print.js';

const SUBS = ['submit', 'status', 'list', 'events', 'cancel', 'retry'] as const;
type Sub = (typeof SUBS)[number];

const usage = (message: string, field?: string) => new VdiskError('E_USAGE', message, field ? { field } : {});
const readJson = (file: string, stdin: () => string): unknown => {
  try {
    return JSON.parse(file === '-' ? stdin() : readFileSync(file, 'utf8'));
  } catch (e) {
    throw usage(`${file} is not JSON: ${(e as Error).message}`, 'request');
  }
};

export async function jobVerb(argv: string[], io: CliIo, stdin = () => readFileSync(0, 'utf8')): Promise<number> {
  const [sub, ...rest] = argv;
  if (!SUBS.includes(sub as Sub)) throw usage(`vdisk job takes one of ${SUBS.join(', ')}${sub ? `, not ${sub}` : ''}`);
  const { values, positionals } = parseArgs({
    args: rest,
    strict: true,
    allowPositionals: true,
    options: JOB.options,
  });
  const gatewayUrl = values.gateway ?? process.env.VDISK_GATEWAY;
  if (!gatewayUrl) throw usage('--gateway URL (or VDISK_GATEWAY) is needed', 'gateway');
  const tokenFile = values['token-file'] ?? process.env.VDISK_TOKEN_FILE;
  if (!tokenFile) throw usage('--token-file FILE (or VDISK_TOKEN_FILE) is needed', 'token-file');
  const output = values.output ?? 'human';
  if (output !== 'human' && output !== 'json') throw usage('--output takes human or json', 'output');
  const gw = gatewayClient(gatewayUrl, readToken(tokenFile));
  const id = () => {
    if (positionals.length !== 1) throw usage(`vdisk job ${sub} takes one job id`);
    return positionals[0]!;
  };
  const show = (x: unknown) => io.stdout(output === 'json' ? `${JSON.stringify(x)}\n` : printJob(x));
  const key = values.key ?? randomUUID();
  switch (sub as Sub) {
    case 'submit': {
      if (!values.request === !values.plan)
        throw usage('vdisk job submit takes --request FILE or --plan FILE (- for stdin)', 'request');
      const body = values.request
        ? { request: readJson(values.request, stdin) }
        : { plan: previewedPlan(readJson(values.plan!, stdin)) };
      return submitted(io, output, await gw.json('POST', '/v1/jobs', body, { 'idempotency-key': key }), key);
    }
    case 'retry':
      return submitted(
        io,
        output,
        await gw.json('POST', `/v1/jobs/${encodeURIComponent(id())}/retry`, undefined, { 'idempotency-key': key }),
        key,
      );
    case 'status':
      show((await gw.json('GET', `/v1/jobs/${encodeURIComponent(id())}`)).body);
      return 0;
    case 'cancel':
      show((await gw.json('POST', `/v1/jobs/${encodeURIComponent(id())}/cancel`)).body);
      return 0;
    case 'list': {
      const limit = values.limit ? `?limit=${encodeURIComponent(values.limit)}` : '';
      const page = (await gw.json('GET', `/v1/jobs${limit}`)).body;
      io.stdout(output === 'json' ? `${JSON.stringify(page)}\n` : printJobs(page));
      return 0;
    }
    case 'events':
      return events(gw, io, output, id(), values['last-event-id']);
  }
}

/** A plan as `POST /v1/plans` answered it (`{ plan, ... }`) or the plan alone. */
const previewedPlan = (x: unknown): unknown =>
  x && typeof x === 'object' && 'plan' in x && 'agent' in x ? (x as { plan: unknown }).plan : x;

function submitted(io: CliIo, output: string, res: { status: number; body: unknown }, key: string): number {
  const b = res.body as { id: string; agent: string };
  io.stdout(output === 'json' ? `${JSON.stringify({ ...b, key })}\n` : `${b.id}\n`);
  return 0;
}

/** Prints every event; exit 0 when the job ended done, 1 when it ended otherwise. */
async function events(gw: GatewayClient, io: CliIo, output: string, id: string, last?: string): Promise<number> {
  const end = await followEvents(gw, id, last, (e) => {
    io.stdout(output === 'json' ? `${JSON.stringify(e)}\n` : `${e.id ?? '-'} ${e.event ?? 'message'} ${e.data}\n`);
  });
  return (JSON.parse(end.data) as { state?: string }).state === 'done' ? 0 : 1;
}

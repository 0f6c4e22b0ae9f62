// `vdisk agent` options: roots, VMs, where to listen, the shared secret, where state lives. Parsed
// and checked before anything starts, each mistake a E_USAGE naming the option.
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readPrivateFile } from '../auth/private-files.js';
import { VdiskError } from '../errors/vdisk-error.js';
import type { Adoption } from './storage/format-source.js';
import type { Root } from './storage/roots.js';
import type { VmConfig } from './vm/vms.js';

export interface AgentConfig {
  name: string;
  roots: Root[];
  vms: VmConfig[];
  /** `HOST:PORT` or `unix:PATH`. */
  listen: string;
  /** One secret, or during a rotation two (the current and the next): a signature by either is accepted. */
  secret: string | string[];
  stateDir: string;
  transcriptDir?: string;
  jobTimeoutMs: number;
  heartbeatMs: number;
  /** `--allow-owner root`: plans may give new files to uid 0 even when their source is not root's. */
  allowOwnerRoot?: boolean;
  /** Concurrent event streams on this agent, and per caller (DEFAULT_LIMITS when absent). */
  maxStreams?: number;
  maxStreamsPerCaller?: number;
  /** Finished jobs kept in the journal (the rest move to history.jsonl): a count and an age in days. */
  keepJobs?: number;
  keepJobsDays?: number;
  /** Largest request body read (`--max-body`, DEFAULT_MAX_BODY); the gateway's own cap is below it. */
  maxBodyBytes?: number;
  /** HTTPS (`--tls-cert`, `--tls-key`, and `--tls-client-ca` to require client certificates). */
  tls?: AgentTls;
  /** Plain HTTP off loopback, allowed with a warning (`--insecure-http`). */
  insecureHttp?: boolean;
  /** `--adopt VOLUME=FORMAT`: formats the operator states (VOLUME is an id or POOL:relative/path). */
  adopt?: Adoption[];
  /** `--inventory-ttl-ms`: how long GET /v1/inventory answers from the cache (DEFAULT_INVENTORY_TTL_MS). */
  inventoryTtlMs?: number;
  /** The least time between two refreshes forced by `Cache-Control: no-cache` (DEFAULT_FORCE_MIN_MS). */
  inventoryForceMinMs?: number;
}

/** Defaults of the optional limits (docs/agent.md). */
export const DEFAULT_LIMITS = { maxStreams: 128, maxStreamsPerCaller: 32, keepJobs: 1000, keepJobsDays: 30 } as const;

/** PEM file paths; read when the server starts. */
export interface AgentTls {
  certFile: string;
  keyFile: string;
  clientCaFile?: string;
}

/** The agent reads plans, which can be larger than the gateway's request (1 MiB cap by default). */
export const DEFAULT_MAX_BODY = 4 * 1024 * 1024;

export const DEFAULT_LISTEN = '127.0.0.1:7420';
const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

const usage = (message: string, field: string) => new VdiskError('E_USAGE', message, { field });

function pairs(values: string[] | undefined, option: string): { name: string; value: string }[] {
  return (values ?? []).map((v) => {
    const i = v.indexOf('=');
    if (i <= 0 || i === v.length - 1) throw usage(`--${option} takes NAME=VALUE, not ${v}`, option);
    return { name: v.slice(0, i), value: v.slice(i + 1) };
  });
}

export function parseAgentArgs(argv: string[]): AgentConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      root: { type: 'string', multiple: true },
      qmp: { type: 'string', multiple: true },
      listen: { type: 'string' },
      'secret-file': { type: 'string', multiple: true },
      name: { type: 'string' },
      'state-dir': { type: 'string' },
      'qmp-transcripts': { type: 'string' },
      'job-timeout-ms': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'allow-owner': { type: 'string', multiple: true },
      'max-streams': { type: 'string' },
      'max-streams-per-caller': { type: 'string' },
      'keep-jobs': { type: 'string' },
      'keep-jobs-days': { type: 'string' },
      'max-body': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
      'insecure-http': { type: 'boolean' },
      adopt: { type: 'string', multiple: true },
      'inventory-ttl-ms': { type: 'string' },
    },
  });
  const roots = pairs(values.root, 'root').map(({ name, value }) => ({ name, dir: value }));
  if (!roots.length) throw usage('at least one --root NAME=DIR is needed', 'root');
  if (new Set(roots.map((r) => r.name)).size !== roots.length) throw usage('root names must be unique', 'root');
  const vms = pairs(values.qmp, 'qmp').map(({ name, value }) => ({ name, socket: value }));
  const secretFiles = values['secret-file'] ?? [];
  if (!secretFiles.length) throw usage('--secret-file FILE is needed', 'secret-file');
  if (secretFiles.length > 2)
    throw usage('--secret-file is given once, or twice while rotating the secret', 'secret-file');
  const secret = secretFiles.map((f) => readPrivateFile(f, 'agent secret').trim());
  if (secret.some((s) => s.length < 16)) throw usage('the secret needs at least 16 characters', 'secret-file');
  const name =
    values.name ??
    hostname()
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '-')
      .slice(0, 32);
  if (!NAME.test(name)) throw usage(`agent name ${name} must be lower-case letters, digits, _ and -`, 'name');
  const num = (v: string | undefined, d: number, field: string) => {
    const n = v === undefined ? d : Number(v);
    if (!Number.isSafeInteger(n) || n <= 0) throw usage(`--${field} takes a positive integer`, field);
    return n;
  };
  const adopt = (values.adopt ?? []).map((spec) => {
    const m = /^(.+)=(raw|qcow2)$/.exec(spec);
    if (!m) throw usage(`--adopt takes VOLUME=raw or VOLUME=qcow2, not ${spec}`, 'adopt');
    return { volume: m[1]!, format: m[2] as Adoption['format'] };
  });
  const allowOwner = values['allow-owner'] ?? [];
  for (const o of allowOwner) if (o !== 'root') throw usage(`--allow-owner takes only root, not ${o}`, 'allow-owner');
  const [certFile, keyFile, clientCaFile] = [values['tls-cert'], values['tls-key'], values['tls-client-ca']];
  if (!certFile !== !keyFile) throw usage('--tls-cert and --tls-key go together', certFile ? 'tls-key' : 'tls-cert');
  if (clientCaFile && !certFile) throw usage('--tls-client-ca needs --tls-cert and --tls-key', 'tls-client-ca');
  return {
    name,
    roots,
    vms,
    secret,
    adopt,
    allowOwnerRoot: allowOwner.includes('root'),
    maxBodyBytes: num(values['max-body'], DEFAULT_MAX_BODY, 'max-body'),
    ...(certFile && keyFile && { tls: { certFile, keyFile, ...(clientCaFile && { clientCaFile }) } }),
    ...(values['insecure-http'] && { insecureHttp: true }),
    listen: values.listen ?? DEFAULT_LISTEN,
    stateDir: values['state-dir'] ?? join(process.env.XDG_STATE_HOME ?? join(homedir(), '.local/state'), 'vdisk-agent'),
    transcriptDir: values['qmp-transcripts'],
    jobTimeoutMs: num(values['job-timeout-ms'], 24 * 3600_000, 'job-timeout-ms'),
    heartbeatMs: num(values['heartbeat-ms'], 15_000, 'heartbeat-ms'),
    maxStreams: num(values['max-streams'], DEFAULT_LIMITS.maxStreams, 'max-streams'),
    maxStreamsPerCaller: num(
      values['max-streams-per-caller'],
      DEFAULT_LIMITS.maxStreamsPerCaller,
      'max-streams-per-caller',
    ),
    keepJobs: num(values['keep-jobs'], DEFAULT_LIMITS.keepJobs, 'keep-jobs'),
    keepJobsDays: num(values['keep-jobs-days'], DEFAULT_LIMITS.keepJobsDays, 'keep-jobs-days'),
    ...(values['inventory-ttl-ms'] !== undefined && {
      inventoryTtlMs: num(values['inventory-ttl-ms'], 0, 'inventory-ttl-ms'),
    }),
  };
}

// `vdisk gateway` arguments: `--agent NAME=URL,secret-file=FILE[,ca-file=FILE][,cert-file=FILE,key-file=FILE]`
// (repeatable; the TLS files are for https:// agents, read on Node only), `--token-file FILE`,
// `--listen [HOST:]PORT`, `--cors-origin ORIGIN` (repeatable), `--max-body BYTES`. Files are read by
// the caller; this module only parses, so scripts/edge.mjs shares the same rules.
import { parseArgs } from 'node:util';
import { VdiskError } from '../errors/vdisk-error.js';

export interface GatewayArgs {
  agents: AgentArgs[];
  tokenFile: string;
  host: string;
  port: number;
  corsOrigins: string[];
  maxBodyBytes?: number;
}

export interface AgentArgs {
  name: string;
  url: string;
  secretFile: string;
  /** CA certificate(s) to trust for this agent's HTTPS (instead of the system's). */
  caFile?: string;
  /** Client certificate and key to present (agents started with --tls-client-ca). */
  certFile?: string;
  keyFile?: string;
}

export const GATEWAY_USAGE = `usage: vdisk gateway --agent NAME=URL,secret-file=FILE[,ca-file=FILE][,cert-file=FILE,key-file=FILE] [--agent ...] --token-file FILE
                     [--listen [HOST:]PORT] [--cors-origin ORIGIN ...] [--max-body BYTES]
  token file: one "read TOKEN" or "write TOKEN" per line; listen default 127.0.0.1:8080`;

const usage = (msg: string) => new VdiskError('E_USAGE', msg, { hint: GATEWAY_USAGE });

export function parseGatewayArgs(argv: string[]): GatewayArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      agent: { type: 'string', multiple: true },
      'token-file': { type: 'string' },
      listen: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true },
      'max-body': { type: 'string' },
    },
  });
  const agents = (values.agent ?? []).map(parseAgentSpec);
  if (!agents.length) throw usage('at least one --agent is needed');
  if (!values['token-file']) throw usage('--token-file FILE is required');
  const listen = /^(?:(.+):)?(\d{1,5})$/.exec(values.listen ?? '127.0.0.1:8080');
  if (!listen) throw usage('--listen takes [HOST:]PORT');
  const maxBody = values['max-body'] === undefined ? undefined : Number(values['max-body']);
  if (maxBody !== undefined && !(Number.isInteger(maxBody) && maxBody > 0))
    throw usage('--max-body takes a positive number of bytes');
  return {
    agents,
    tokenFile: values['token-file'],
    host: listen[1] ?? '127.0.0.1',
    port: Number(listen[2]),
    corsOrigins: values['cors-origin'] ?? [],
    ...(maxBody !== undefined && { maxBodyBytes: maxBody }),
  };
}

const AGENT_KEYS: Record<string, keyof AgentArgs> = {
  'secret-file': 'secretFile',
  'ca-file': 'caFile',
  'cert-file': 'certFile',
  'key-file': 'keyFile',
};

/** `NAME=URL,KEY=FILE,...`: secret-file required; ca-file, cert-file and key-file only for https://. */
function parseAgentSpec(spec: string): AgentArgs {
  const [head, ...rest] = spec.split(',');
  const m = /^([^=,]+)=([^,]+)$/.exec(head ?? '');
  const bad = (why: string) => usage(`--agent ${head}: ${why}`);
  if (!m) throw bad('expected NAME=URL,secret-file=FILE');
  const out: Partial<AgentArgs> = { name: m[1]!, url: m[2]! };
  for (const kv of rest) {
    const i = kv.indexOf('=');
    const key = AGENT_KEYS[kv.slice(0, i)];
    if (i <= 0 || !key || i === kv.length - 1)
      throw bad(`unknown or empty option ${kv.slice(0, Math.max(i, 0)) || kv}`);
    out[key] = kv.slice(i + 1);
  }
  if (!out.secretFile) throw bad('expected NAME=URL,secret-file=FILE');
  if ((out.caFile || out.certFile || out.keyFile) && !out.url!.startsWith('https://'))
    throw bad('ca-file, cert-file and key-file need an https:// URL');
  if (!out.certFile !== !out.keyFile) throw bad('cert-file and key-file go together');
  return out as AgentArgs;
}

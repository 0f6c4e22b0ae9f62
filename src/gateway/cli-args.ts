// `vdisk gateway` arguments: `--agent NAME=URL,secret-file=FILE` (repeatable), `--token-file FILE`,
// `--listen [HOST:]PORT`, `--cors-origin ORIGIN` (repeatable), `--max-body BYTES`. Files are read by
// the caller; this module only parses, so scripts/edge.mjs shares the same rules.
import { parseArgs } from 'node:util';
import { VdiskError } from '../errors/vdisk-error.js';

export interface GatewayArgs {
  agents: { name: string; url: string; secretFile: string }[];
  tokenFile: string;
  host: string;
  port: number;
  corsOrigins: string[];
  maxBodyBytes?: number;
}

export const GATEWAY_USAGE = `usage: vdisk gateway --agent NAME=URL,secret-file=FILE [--agent ...] --token-file FILE
                     [--listen [HOST:]PORT] [--cors-origin ORIGIN ...] [--max-body BYTES]
  token file: one "read TOKEN" or "write TOKEN" per line; listen default 127.0.0.1:8080`;

const usage = (msg: string) => new VdiskError('E_USAGE', msg, { hint: GATEWAY_USAGE });

export function parseGatewayArgs(argv: string[]): GatewayArgs {
  const { values } = parseArgs({
    args: argv, strict: true, allowPositionals: false,
    options: {
      agent: { type: 'string', multiple: true }, 'token-file': { type: 'string' }, listen: { type: 'string' },
      'cors-origin': { type: 'string', multiple: true }, 'max-body': { type: 'string' },
    },
  });
  const agents = (values.agent ?? []).map((spec) => {
    const m = /^([^=,]+)=([^,]+),secret-file=(.+)$/.exec(spec);
    if (!m) throw usage(`--agent ${spec.split(',')[0]}: expected NAME=URL,secret-file=FILE`);
    return { name: m[1]!, url: m[2]!, secretFile: m[3]! };
  });
  if (!agents.length) throw usage('at least one --agent is needed');
  if (!values['token-file']) throw usage('--token-file FILE is required');
  const listen = /^(?:(.+):)?(\d{1,5})$/.exec(values.listen ?? '127.0.0.1:8080');
  if (!listen) throw usage('--listen takes [HOST:]PORT');
  const maxBody = values['max-body'] === undefined ? undefined : Number(values['max-body']);
  if (maxBody !== undefined && !(Number.isInteger(maxBody) && maxBody > 0)) throw usage('--max-body takes a positive number of bytes');
  return {
    agents, tokenFile: values['token-file'], host: listen[1] ?? '127.0.0.1', port: Number(listen[2]),
    corsOrigins: values['cors-origin'] ?? [], ...(maxBody !== undefined && { maxBodyBytes: maxBody }),
  };
}

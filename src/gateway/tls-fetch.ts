// How the gateway on Node reaches an HTTPS agent with its own CA (`ca-file=`) or a client certificate
// (`cert-file=`, `key-file=`): Node's global fetch takes no per-call CA and undici is not a dependency,
// so those agents get a small fetch over node:https; every other URL goes to the global fetch. workerd
// has its own trust store: see docs/gateway.md ("Agents over HTTPS").
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import { Readable } from 'node:stream';
import { VdiskError } from '../errors/vdisk-error.js';
import type { AgentArgs } from './cli-args.js';

export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/** A fetch to one HTTPS origin trusting `ca` (PEM) and presenting `cert`/`key` when given. */
export function httpsFetch(tls: TlsFiles): typeof fetch {
  return (input, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const headers = Object.fromEntries(new Headers(init.headers));
      const req = request(
        url,
        { method: init.method ?? 'GET', headers, ...tls, signal: init.signal ?? undefined },
        (res) => {
          const h = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const x of [v ?? []].flat()) h.append(k, x);
          const empty = init.method === 'HEAD' || res.statusCode === 204 || res.statusCode === 304;
          resolve(
            new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
              status: res.statusCode,
              statusText: res.statusMessage,
              headers: h,
            }),
          );
        },
      );
      req.once('error', reject);
      req.end(typeof init.body === 'string' || init.body instanceof Uint8Array ? init.body : undefined);
    });
}

async function readPem(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new VdiskError('E_GATEWAY_CONFIG', `cannot read the ${what} file`, {
      path,
      hint: (e as NodeJS.ErrnoException).code,
    });
  }
}

/** The global fetch, except for agents given TLS files: those origins go through httpsFetch. */
export async function agentFetch(
  agents: AgentArgs[],
  fallback: typeof fetch = fetch.bind(globalThis),
): Promise<typeof fetch> {
  const byOrigin = new Map<string, typeof fetch>();
  for (const a of agents) {
    if (!a.caFile && !a.certFile) continue;
    byOrigin.set(
      new URL(a.url).origin,
      httpsFetch({
        ...(a.caFile && { ca: await readPem(a.caFile, `CA for agent ${a.name}`) }),
        ...(a.certFile && { cert: await readPem(a.certFile, `client certificate for agent ${a.name}`) }),
        ...(a.keyFile && { key: await readPem(a.keyFile, `client key for agent ${a.name}`) }),
      }),
    );
  }
  if (!byOrigin.size) return fallback;
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return (byOrigin.get(new URL(url).origin) ?? fallback)(input, init);
  };
}

// The gateway as `vdisk job` talks to it: bearer token from a private file, JSON in and out, and
// problem+json answers turned back into VdiskError with the gateway's code.
import { readPrivateFile } from '../../auth/private-files.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export interface GatewayClient {
  json(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  stream(path: string, headers: Record<string, string>, signal: AbortSignal): Promise<ReadableStream<Uint8Array>>;
}

/** The token in a file: the file holds the token alone, or a gateway token-file line (`write TOKEN NAME`). */
export function readToken(file: string): string {
  const text = readPrivateFile(file, 'token').trim();
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim() && !l.trim().startsWith('#'))
      ?.trim() ?? '';
  const m = /^(?:read|write)\s+(\S+)/.exec(line);
  const token = m ? m[1]! : line;
  if (!/^[A-Za-z0-9._~+/-]{16,}=*$/.test(token))
    throw new VdiskError('E_USAGE', `${file} holds no token`, { field: 'token-file' });
  return token;
}

export function gatewayClient(base: string, token: string): GatewayClient {
  const url = (path: string) => `${base.replace(/\/+$/, '')}${path}`;
  const auth = { authorization: `Bearer ${token}` };
  const fail = async (res: Response): Promise<never> => {
    const p = (await res.json().catch(() => ({}))) as { code?: string; detail?: string; hint?: string };
    throw new VdiskError(p.code ?? 'E_GATEWAY_BAD_ANSWER', p.detail ?? `the gateway answered ${res.status}`, {
      ...(p.hint ? { hint: p.hint } : {}),
    });
  };
  return {
    async json(method, path, body, headers = {}) {
      const res = await fetch(url(path), {
        method,
        headers: { ...auth, ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      if (!res.ok) return fail(res);
      return { status: res.status, body: await res.json() };
    },
    async stream(path, headers, signal) {
      const res = await fetch(url(path), { headers: { ...auth, accept: 'text/event-stream', ...headers }, signal });
      if (!res.ok || !res.body) return fail(res);
      return res.body;
    },
  };
}

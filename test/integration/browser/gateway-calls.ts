// Calls to the gateway from a browser test, with the console's own session token (the one the login
// link gave the tab): `vdisk job submit` through the CLI, and plain JSON calls from inside the page.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { run } from '../../../src/cli/main.js';

const sessionToken = (page: Page) =>
  page.evaluate(() => sessionStorage.getItem(Object.keys(sessionStorage).find((k) => k.startsWith('token:'))!));

/** `vdisk job submit --request` with the console's session token; answers the job id. */
export async function submitJob(page: Page, url: string, dir: string, request: object): Promise<string> {
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${await sessionToken(page)}\n`, { mode: 0o600 });
  const req = join(dir, 'request.json');
  writeFileSync(req, JSON.stringify(request));
  let out = '',
    err = '';
  const code = await run(['job', 'submit', '--request', req, '--gateway', url, '--token-file', tokenFile], {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
  });
  expect(code, err).toBe(0);
  return out.trim();
}

/** A gateway call from the page (same origin), answered as HTTP status and parsed JSON. */
export function gatewayJson<T = unknown>(page: Page, path: string, method = 'GET'): Promise<{ http: number; body: T }> {
  return page.evaluate(
    async ([p, m]) => {
      const key = Object.keys(sessionStorage).find((k) => k.startsWith('token:'))!;
      const res = await fetch(p, { method: m, headers: { authorization: `Bearer ${sessionStorage.getItem(key)}` } });
      return { http: res.status, body: await res.json() };
    },
    [path, method] as const,
  ) as Promise<{ http: number; body: T }>;
}

export interface JobWire {
  id: string;
  state: string;
  progress: number;
  report?: { outcome: string; failure?: { code: string; action: string } };
}

/** The job as the agent reports it now (GET /v1/jobs/:id through the gateway). */
export async function jobNow(page: Page, id: string): Promise<JobWire> {
  const r = await gatewayJson<JobWire>(page, `/v1/jobs/${encodeURIComponent(id)}`);
  expect(r.http).toBe(200);
  return r.body;
}

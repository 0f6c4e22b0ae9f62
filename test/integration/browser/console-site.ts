// The built console (dist/web) served on 127.0.0.1 as `vdisk start` serves it, plus a route that
// serves test files over HTTP ranges, optionally behind a gate the test opens (range-gate.ts: a
// convert that must still be running when the test acts is held, not merely slowed).
import { existsSync, openSync, readSync, closeSync, statSync } from 'node:fs';
import { join, basename } from 'node:path';
import { Hono } from 'hono';
import { consoleServer, type ConsoleServerOptions } from '../../../src/start/console-server.js';
import { listen, type Listening } from '../../../src/start/listen.js';
import type { RangeGate } from './range-gate.js';

export const WEB_ROOT = join(new URL('../../../dist/web', import.meta.url).pathname);

export function requireBuild(): void {
  if (!existsSync(join(WEB_ROOT, 'console.js')))
    throw new Error(`${WEB_ROOT}/console.js is missing: run npm run build`);
}

export interface SlowFiles {
  files: string[];
  /** Holds range requests while closed (the test opens it). */
  gate?: RangeGate;
}

/** GET with Range over `files` (by base name), held while `gate` holds it. */
function slowFiles({ files, gate }: SlowFiles): Hono {
  const app = new Hono();
  app.get('/slow/:name', async (c) => {
    const path = files.find((f) => basename(f) === c.req.param('name'));
    if (!path) return c.notFound();
    const size = statSync(path).size;
    const m = /^bytes=(\d+)-(\d+)$/.exec(c.req.header('range') ?? '');
    if (!m) return c.body(null, 200, { 'content-length': String(size) });
    const first = Number(m[1]);
    const last = Math.min(Number(m[2]), size - 1);
    await gate?.pass(last);
    const buf = Buffer.alloc(last - first + 1);
    const fd = openSync(path, 'r');
    try {
      readSync(fd, buf, 0, buf.length, first);
    } finally {
      closeSync(fd);
    }
    return c.body(buf, 206, { 'content-range': `bytes ${first}-${last}/${size}`, 'accept-ranges': 'bytes' });
  });
  return app;
}

export async function serveConsole(
  opts: Partial<ConsoleServerOptions> & { slow?: SlowFiles } = {},
): Promise<Listening> {
  requireBuild();
  const site = consoleServer({ webRoot: WEB_ROOT, ...opts });
  const app = new Hono();
  if (opts.slow) app.route('/', slowFiles(opts.slow));
  app.route('/', site);
  return listen(app);
}

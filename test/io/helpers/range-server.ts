// A small HTTP server on 127.0.0.1 that serves one image with byte ranges, and can be told to
// misbehave (ignore Range, hide the length, fail, hang) to test the HTTP source against real sockets.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface RangeServerOptions {
  /** Answer every GET with 200 and the whole body, as servers without range support do. */
  ignoreRange?: boolean;
  /** Send `Content-Range: bytes a-b/*` so the length must come from HEAD. */
  hideLength?: boolean;
  etag?: () => string | undefined;
  /** Served as JSON at /extents (ovirt-imageio style). */
  extents?: unknown;
  /** Runs first; return true when it has dealt with the request (to inject faults). `n` counts from 1. */
  intercept?: (req: IncomingMessage, res: ServerResponse, n: number) => boolean;
}

export interface RangeServer {
  url: string;
  origin: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

const RANGE = /^bytes=(\d+)-(\d+)$/;

export async function startRangeServer(data: Uint8Array, opts: RangeServerOptions = {}): Promise<RangeServer> {
  const requests: SeenRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method!, url: req.url!, headers: req.headers });
    if (opts.intercept?.(req, res, requests.length)) return;
    const etag = opts.etag?.();
    if (etag) res.setHeader('etag', etag);
    if (req.url!.startsWith('/extents')) {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify(opts.extents ?? []));
    }
    res.setHeader('accept-ranges', opts.ignoreRange ? 'none' : 'bytes');
    if (req.method === 'HEAD') {
      res.setHeader('content-length', data.length);
      return res.end();
    }
    const m = RANGE.exec(req.headers.range ?? '');
    if (!m || opts.ignoreRange) {
      res.setHeader('content-length', data.length);
      return res.end(data);
    }
    const first = Number(m[1]);
    const last = Math.min(Number(m[2]), data.length - 1);
    if (first >= data.length) {
      res.writeHead(416, { 'content-range': `bytes */${data.length}` });
      return res.end();
    }
    res.writeHead(206, {
      'content-range': `bytes ${first}-${last}/${opts.hideLength ? '*' : data.length}`,
      'content-length': last - first + 1,
    });
    res.end(data.subarray(first, last + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/disk.img`,
    origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Start a 206 answer, send half of it, then drop the connection: a server going away mid-body. */
export function cutMidBody(req: IncomingMessage, res: ServerResponse, data: Uint8Array): void {
  const m = RANGE.exec(req.headers.range ?? '')!;
  const first = Number(m[1]);
  const last = Math.min(Number(m[2]), data.length - 1);
  res.writeHead(206, {
    'content-range': `bytes ${first}-${last}/${data.length}`,
    'content-length': last - first + 1,
  });
  res.write(data.subarray(first, first + Math.max(1, (last - first + 1) >> 1)), () => res.destroy());
}

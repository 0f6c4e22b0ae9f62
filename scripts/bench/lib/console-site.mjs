// The built console (dist/web) on 127.0.0.1 for the console bench (OPFS needs a secure context;
// 127.0.0.1 is one), and the bench's images under /img/ with byte ranges, as a remote volume is served.
import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB = fileURLToPath(new URL('../../../dist/web/', import.meta.url));
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serveRange(req, res, file) {
  const size = statSync(file).size;
  const m = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
  if (!m) {
    res.writeHead(200, { 'content-length': String(size), 'accept-ranges': 'bytes' });
    createReadStream(file).pipe(res);
    return;
  }
  const first = Number(m[1]);
  const last = Math.min(Number(m[2]), size - 1);
  if (first >= size) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  res.writeHead(206, {
    'content-range': `bytes ${first}-${last}/${size}`,
    'content-length': String(last - first + 1),
    'accept-ranges': 'bytes',
  });
  createReadStream(file, { start: first, end: last, highWaterMark: 1 << 20 }).pipe(res);
}

/** `imgDir`'s files are served at /img/NAME with Range. */
export function serveWeb(imgDir) {
  const server = createServer((req, res) => {
    const path =
      normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^\/+/, '') || 'index.html';
    if (path.startsWith('img/')) {
      const file = join(imgDir, path.slice(4));
      if (!file.startsWith(imgDir) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      serveRange(req, res, file);
      return;
    }
    const file = join(WEB, path);
    if (!file.startsWith(WEB) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () =>
      ok({ url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() }),
    ),
  );
}

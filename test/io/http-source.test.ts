// The HTTP range source against a real node:http server on 127.0.0.1.
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpSource, E_HTTP_NO_RANGE } from '../../src/io/http-source.js';
import { cutMidBody, startRangeServer, type RangeServer, type RangeServerOptions } from './helpers/range-server.js';

const SIZE = 256 * 1024 + 77;
const image = new Uint8Array(SIZE).map((_, i) => (i * 13 + (i >> 9)) & 0xff);
const fast = { retryDelayMs: 5, timeoutMs: 2000 };

let server: RangeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const serve = async (opts?: RangeServerOptions) => (server = await startRangeServer(image, opts));
const gets = () => server!.requests.filter((r) => r.method === 'GET');

describe('HttpSource', () => {
  it('learns the size from a one-byte range probe and reads ranges into the buffer', async () => {
    const { url } = await serve();
    const src = await HttpSource.open(url, fast);
    expect(src.size).toBe(SIZE);
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]!.headers.range).toBe('bytes=0-0');

    const view = new Uint8Array(new WebAssembly.Memory({ initial: 2 }).buffer, 4096, 65536);
    expect(await src.pread(view, 1000)).toBe(65536);
    expect(view).toEqual(image.subarray(1000, 1000 + 65536));
    expect(server!.requests[1]!.headers.range).toBe(`bytes=1000-${1000 + 65535}`);
    expect(server!.requests[1]!.headers['accept-encoding']).toBe('identity');
    await src.close();
  });

  it('returns a short count at the end and asks only for bytes that exist', async () => {
    const { url } = await serve();
    const src = await HttpSource.open(url, fast);
    const buf = new Uint8Array(4096).fill(0xee);
    expect(await src.pread(buf, SIZE - 10)).toBe(10);
    expect(buf.subarray(0, 10)).toEqual(image.subarray(SIZE - 10));
    expect(buf.subarray(10).every((b) => b === 0xee)).toBe(true);
    expect(server!.requests.at(-1)!.headers.range).toBe(`bytes=${SIZE - 10}-${SIZE - 1}`);
    const before = server!.requests.length;
    expect(await src.pread(buf, SIZE)).toBe(0);
    expect(server!.requests).toHaveLength(before);
  });

  it('falls back to HEAD when Content-Range hides the length', async () => {
    const { url } = await serve({ hideLength: true });
    const src = await HttpSource.open(url, fast);
    expect(src.size).toBe(SIZE);
    expect(server!.requests.map((r) => r.method)).toEqual(['GET', 'HEAD']);
  });

  it('refuses a server that ignores Range, without downloading the image', async () => {
    const { url } = await serve({ ignoreRange: true });
    await expect(HttpSource.open(url, fast)).rejects.toMatchObject({ code: E_HTTP_NO_RANGE });
    expect(server!.requests).toHaveLength(1);
  });

  it('refuses a server that stops honouring Range after open', async () => {
    let ignore = false;
    const { url } = await serve({
      intercept: (_req, res) => {
        if (!ignore) return false;
        res.end(Buffer.from(image));
        return true;
      },
    });
    const src = await HttpSource.open(url, fast);
    ignore = true;
    await expect(src.pread(new Uint8Array(100), 0)).rejects.toMatchObject({ code: E_HTTP_NO_RANGE });
  });

  it('opens an empty resource from the 416 answer to the probe', async () => {
    server = await startRangeServer(new Uint8Array(0));
    const src = await HttpSource.open(server.url, fast);
    expect(src.size).toBe(0);
    expect(await src.pread(new Uint8Array(16), 0)).toBe(0);
  });

  it('says the source changed when a range becomes unsatisfiable (416) after open', async () => {
    let shrunk = false;
    const { url } = await serve({
      intercept: (_req, res) => {
        if (!shrunk) return false;
        res.writeHead(416, { 'content-range': 'bytes */10' }).end();
        return true;
      },
    });
    const src = await HttpSource.open(url, fast);
    shrunk = true;
    await expect(src.pread(new Uint8Array(100), 5000)).rejects.toMatchObject({ code: 'E_SOURCE_CHANGED' });
  });

  it('says the source changed when its strong ETag changes', async () => {
    let tag = '"v1"';
    const { url } = await serve({ etag: () => tag });
    const src = await HttpSource.open(url, fast);
    expect(await src.pread(new Uint8Array(10), 0)).toBe(10);
    tag = '"v2"';
    await expect(src.pread(new Uint8Array(10), 0)).rejects.toMatchObject({ code: 'E_SOURCE_CHANGED' });
  });

  it.each([
    [404, 'E_NOT_FOUND'],
    [403, 'E_PERMISSION'],
    [401, 'E_PERMISSION'],
    [400, 'E_IO'],
  ])('maps HTTP %i to %s without retrying', async (status, code) => {
    const { url } = await serve({ intercept: (_req, res) => (res.writeHead(status).end(), true) });
    const err = await HttpSource.open(`${url}?X-Signature=secret`, fast).catch((e: unknown) => e);
    expect(err).toMatchObject({ code, detail: { path: url, status } });
    expect(JSON.stringify(err)).not.toContain('secret');
    expect(server!.requests).toHaveLength(1);
  });
});

describe('HttpSource headers and signing', () => {
  it('sends extra headers and the signer’s headers, signing each request over its Range', async () => {
    const { url } = await serve();
    const seen: Array<{ method: string; url: string; range?: string }> = [];
    const src = await HttpSource.open(url, {
      ...fast,
      headers: { 'x-tenant': 'blue' },
      sign: async (req) => {
        seen.push({ method: req.method, url: req.url, range: req.headers.range });
        return { authorization: `Sig ${req.method} ${req.headers.range}` };
      },
    });
    await src.pread(new Uint8Array(512), 4096);
    expect(seen).toEqual([
      { method: 'GET', url, range: 'bytes=0-0' },
      { method: 'GET', url, range: 'bytes=4096-4607' },
    ]);
    expect(server!.requests.map((r) => [r.headers['x-tenant'], r.headers.authorization])).toEqual([
      ['blue', 'Sig GET bytes=0-0'],
      ['blue', 'Sig GET bytes=4096-4607'],
    ]);
  });
});

describe('HttpSource failures and retries', () => {
  it('retries a body cut short by the server going away, then succeeds', async () => {
    const { url } = await serve({
      intercept: (req, res, n) => {
        if (n === 1 || n > 3) return false; // probe, then two cut answers, then normal
        cutMidBody(req, res, image);
        return true;
      },
    });
    const src = await HttpSource.open(url, fast);
    const buf = new Uint8Array(32 * 1024);
    expect(await src.pread(buf, 100)).toBe(buf.length);
    expect(buf).toEqual(image.subarray(100, 100 + buf.length));
    expect(gets()).toHaveLength(4);
  });

  it('retries 503 a bounded number of times, then fails with E_IO', async () => {
    const { url } = await serve({ intercept: (_req, res, n) => (n > 1 ? (res.writeHead(503).end(), true) : false) });
    const src = await HttpSource.open(url, { ...fast, retries: 2 });
    const err = await src.pread(new Uint8Array(100), 0).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_IO', detail: { attempts: 3 } });
    expect((err as Error).message).toContain('503');
    expect(server!.requests).toHaveLength(1 + 3);
  });

  it('gives up on a server that keeps dropping connections after the retry bound', async () => {
    const { url } = await serve({ intercept: (req, _res, n) => (n > 1 ? (req.socket.destroy(), true) : false) });
    const src = await HttpSource.open(url, { ...fast, retries: 1 });
    await expect(src.pread(new Uint8Array(100), 0)).rejects.toMatchObject({ code: 'E_IO', detail: { attempts: 2 } });
    expect(server!.requests).toHaveLength(1 + 2);
  });

  it('fails with E_IO when the server is gone', async () => {
    const { url } = await serve();
    const src = await HttpSource.open(url, { ...fast, retries: 1 });
    await server!.close();
    server = undefined;
    const err = await src.pread(new Uint8Array(100), 0).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_IO', detail: { attempts: 2 } });
    expect((err as Error).message).toContain('ECONNREFUSED');
  });

  it('times out a server that never answers, per attempt and bounded', async () => {
    const { url } = await serve({ intercept: (_req, _res, n) => n > 1 });
    const src = await HttpSource.open(url, { retries: 1, retryDelayMs: 5, timeoutMs: 150 });
    const t0 = performance.now();
    const err = await src.pread(new Uint8Array(100), 0).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'E_IO', detail: { attempts: 2 } });
    expect((err as Error).message).toContain('timed out after 150 ms');
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(server!.requests).toHaveLength(1 + 2);
  });

  it('stops at once, without retrying, when the caller aborts', async () => {
    const { url } = await serve({ intercept: (_req, _res, n) => n > 1 });
    const controller = new AbortController();
    const src = await HttpSource.open(url, { ...fast, retries: 5, signal: controller.signal });
    const read = src.pread(new Uint8Array(100), 0);
    setTimeout(() => controller.abort(new Error('user cancelled')), 50);
    await expect(read).rejects.toThrow('user cancelled');
    expect(server!.requests).toHaveLength(2);
  });

  it('leaves no listener per request on the caller’s long-lived signal', async () => {
    const { url } = await serve();
    const controller = new AbortController();
    const src = await HttpSource.open(url, { ...fast, signal: controller.signal });
    for (let i = 0; i < 20; i++) await src.pread(new Uint8Array(64), i * 64);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1); // the source's own link
    await src.close();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('close() cancels a read in flight', async () => {
    const { url } = await serve({ intercept: (_req, _res, n) => n > 1 });
    const src = await HttpSource.open(url, fast);
    const read = src.pread(new Uint8Array(100), 0);
    setTimeout(() => void src.close(), 50);
    await expect(read).rejects.toMatchObject({ code: 'E_IO', message: expect.stringContaining('closed') });
  });
});

describe('HttpSource extents (ovirt-imageio style)', () => {
  const imageio = [
    { start: 0, length: 65536, zero: false, hole: false },
    { start: 65536, length: 65536, zero: true, hole: false },
    { start: 131072, length: SIZE - 131072, zero: true, hole: true },
  ];

  it('asks for context=zero once and maps hole to data=false, keeping zero', async () => {
    const { url, origin } = await serve({ extents: imageio });
    const src = await HttpSource.open(url, { ...fast, extentsUrl: `${origin}/extents` });
    expect(await src.extents!(0, SIZE)).toEqual([
      { start: 0, length: 65536, data: true, zero: false },
      { start: 65536, length: 65536, data: true, zero: true },
      { start: 131072, length: SIZE - 131072, data: false, zero: true },
    ]);
    expect(await src.extents!(60000, 80000)).toEqual([
      { start: 60000, length: 5536, data: true, zero: false },
      { start: 65536, length: 65536, data: true, zero: true },
      { start: 131072, length: 8928, data: false, zero: true },
    ]);
    const extentRequests = server!.requests.filter((r) => r.url.startsWith('/extents'));
    expect(extentRequests.map((r) => r.url)).toEqual(['/extents?context=zero']);
  });

  it('treats runs without a hole flag (older imageio) as data', async () => {
    const { url, origin } = await serve({ extents: [{ start: 0, length: SIZE, zero: true }] });
    const src = await HttpSource.open(url, { ...fast, extentsUrl: `${origin}/extents` });
    expect(await src.extents!(0, SIZE)).toEqual([{ start: 0, length: SIZE, data: true, zero: true }]);
  });

  it('rejects malformed extents with E_IO', async () => {
    const { url, origin } = await serve({
      extents: [
        { start: 100, length: 10 },
        { start: 50, length: 10 },
      ],
    });
    const src = await HttpSource.open(url, { ...fast, extentsUrl: `${origin}/extents` });
    await expect(src.extents!(0, SIZE)).rejects.toMatchObject({ code: 'E_IO' });
  });

  it('has no extents() without an extents URL', async () => {
    const { url } = await serve();
    expect((await HttpSource.open(url, fast)).extents).toBeUndefined();
  });
});

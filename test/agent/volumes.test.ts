// Image data in the style of ovirt-imageio: the file's bytes by Range, HEAD for the size, and the
// guest view's extents from metadata; ids outside the inventory are 404.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { qemuImg, qemuIo, testAgent, type TestAgent } from './helpers.js';

let t: TestAgent;
afterEach(async () => t?.close());

async function setUp(): Promise<string> {
  t = await testAgent();
  const path = join(t.pool('p1'), 'd.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', path, '4M');
  qemuIo(path, 'write -P 0x5a 1M 64k');
  qemuIo(path, 'write -z 2M 64k');
  await t.req('GET', '/v1/inventory');
  return path;
}

describe('volume data and extents', () => {
  it('serves byte ranges of the image file, and its size on HEAD', async () => {
    const path = await setUp();
    const file = readFileSync(path);
    const part = await t.req('GET', '/v1/volumes/p1:d.qcow2/data', undefined, { headers: { range: 'bytes=0-3' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 0-3/${file.length}`);
    expect(Buffer.from(await part.arrayBuffer()).toString('latin1')).toBe('QFI\xfb');
    const tail = await t.req('GET', '/v1/volumes/p1:d.qcow2/data', undefined, { headers: { range: 'bytes=-16' } });
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(file.subarray(file.length - 16));
    const head = await t.req('HEAD', '/v1/volumes/p1:d.qcow2/data');
    expect([head.status, head.headers.get('content-length')]).toEqual([200, String(file.length)]);
    const bad = await t.req('GET', '/v1/volumes/p1:d.qcow2/data', undefined, {
      headers: { range: `bytes=${file.length}-` },
    });
    expect([bad.status, bad.headers.get('content-range')]).toEqual([416, `bytes */${file.length}`]);
    const whole = await t.req('GET', '/v1/volumes/p1:d.qcow2/data');
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(file);
    // The gateway sends ids percent-encoded (encodeURIComponent) and signs that path.
    const encoded = await t.req('GET', '/v1/volumes/p1%3Ad.qcow2/data', undefined, { headers: { range: 'bytes=0-3' } });
    expect(encoded.status).toBe(206);
  });

  it('answers extents of the guest view from metadata', async () => {
    await setUp();
    const res = await t.req('GET', '/v1/volumes/p1:d.qcow2/extents');
    expect(await res.json()).toEqual([
      { start: 0, length: 1 << 20, zero: true, hole: true },
      { start: 1 << 20, length: 64 << 10, zero: false, hole: false },
      { start: (1 << 20) + (64 << 10), length: (4 << 20) - (1 << 20) - (64 << 10), zero: true, hole: true },
    ]);
  });

  it('refuses unknown volumes with E_AGENT_UNKNOWN_VOLUME', async () => {
    await setUp();
    const res = await t.req('GET', '/v1/volumes/p1:nope.qcow2/data');
    expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([404, 'E_AGENT_UNKNOWN_VOLUME']);
  });
});

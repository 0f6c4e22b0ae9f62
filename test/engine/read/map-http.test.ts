// A remote qcow2 as the console opens it (HTTP range source behind RemoteSource): opening reads the
// head in one request, and the map picture reads the L2 tables in a few Range requests of at most
// MAX_SPAN bytes instead of one or two per table, with the same picture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { createNodeEngine } from '../../../src/host/node-engine.js';
import type { Engine } from '../../../src/engine/core/engine.js';
import { openChain } from '../../../src/engine/read/chain.js';
import { HttpSource } from '../../../src/io/http-source.js';
import { chainInfo } from '../../../src/engine/read/info.js';
import { mapPicture } from '../../../src/engine/read/map-picture.js';
import { mapGap } from '../../../worker/map-gap.js';
import { MAX_SPAN } from '../../../src/engine/read/planned-reads.js';
import { HEAD_BYTES, RemoteSource } from '../../../worker/remote-source.js';
import { startRangeServer, type RangeServer } from '../../io/helpers/range-server.js';

const MiB = 1 << 20;
const rangeLength = (range = '') => {
  const [a, b] = range.slice(6).split('-').map(Number);
  return b! - a! + 1;
};

describe('a remote qcow2 in the console', () => {
  let dir: string;
  let engine: Engine;
  let server: RangeServer;
  let image: Uint8Array;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vdisk-maphttp-'));
    engine = await createNodeEngine();
    const img = join(dir, 'remote.qcow2');
    qemuImg(['create', '-q', '-f', 'qcow2', img, String(256 * 1024 * MiB)]);
    const cmds: string[] = [];
    let x = 17;
    for (let i = 0; i < 300; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      cmds.push(`write ${i % 9 === 0 ? '-z' : '-P 0x6b'} ${Math.floor((x / 2 ** 32) * (256 * 1024 - 1)) * MiB} 64k`);
    }
    qemuIo(img, cmds); // ~230 L2 tables between the data clusters, ~34 MiB
    image = new Uint8Array(readFileSync(img));
    server = await startRangeServer(image);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const gets = () => server.requests.filter((r) => r.method === 'GET');
  const openRemote = async () =>
    openChain(engine, new RemoteSource(await HttpSource.open(server.url), 'pool/remote.qcow2'));

  it('opens in two requests and draws the same picture from a few bounded Range requests', async () => {
    const plain = await openRemote();
    server.requests.length = 0;
    const want = await mapPicture(engine, plain, 1024, { planned: false });
    const perRead = gets().length; // the engine's reads, one or two per L2 table
    await plain.close();

    server.requests.length = 0;
    const chain = await openRemote();
    const info = (await chainInfo(chain, true)) as { 'virtual-size': number; filename: string }[];
    expect(gets().map((r) => r.headers.range)).toEqual(['bytes=0-0', `bytes=0-${HEAD_BYTES - 1}`]); // probe, head
    expect(info[0]!['virtual-size']).toBe(256 * 1024 * MiB);
    expect(info[0]!.filename).toBe('pool/remote.qcow2');

    server.requests.length = 0;
    const got = await mapPicture(engine, chain, 1024, { gap: mapGap });
    await chain.close();
    expect(Array.from(got.bytes)).toEqual(Array.from(want.bytes));
    const reads = gets();
    expect(perRead).toBeGreaterThan(200);
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(image.length / MAX_SPAN) + 2); // spans, and the L1 table
    expect(Math.max(...reads.map((r) => rangeLength(r.headers.range)))).toBeLessThanOrEqual(MAX_SPAN);
  });

  it('keeps the head only: reads past it go to the server, and a failed head read is asked again', async () => {
    let fail = true;
    const flaky = await startRangeServer(image, {
      intercept: (req, res) => {
        if (!fail || req.headers.range !== `bytes=0-${HEAD_BYTES - 1}`) return false;
        fail = false;
        res.writeHead(404).end();
        return true;
      },
    });
    try {
      const src = new RemoteSource(await HttpSource.open(flaky.url, { retries: 0 }));
      const buf = new Uint8Array(512);
      await expect(src.pread(buf, 0)).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
      expect(await src.pread(buf, 4096)).toBe(512);
      expect(buf).toEqual(image.subarray(4096, 4608));
      expect(await src.pread(buf, 0)).toBe(512); // from the head fetched just before
      expect(await src.pread(buf, HEAD_BYTES - 256)).toBe(512); // crosses the head's end
      expect(buf).toEqual(image.subarray(HEAD_BYTES - 256, HEAD_BYTES + 256));
      expect(flaky.requests.map((r) => r.headers.range)).toEqual([
        'bytes=0-0',
        `bytes=0-${HEAD_BYTES - 1}`,
        `bytes=0-${HEAD_BYTES - 1}`,
        `bytes=${HEAD_BYTES - 256}-${HEAD_BYTES + 255}`,
      ]);
      await src.close();
    } finally {
      await flaky.close();
    }
  });
});

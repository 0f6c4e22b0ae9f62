// openSource picks the medium from the spec the user typed.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSource } from '../../src/io/open-source.js';
import { NodeFileSource } from '../../src/io/node-file-source.js';
import { HttpSource } from '../../src/io/http-source.js';
import { makeTempDir } from './helpers/sparse-files.js';
import { startRangeServer, type RangeServer } from './helpers/range-server.js';

let tmp: ReturnType<typeof makeTempDir>;
let server: RangeServer;
let path: string;
beforeAll(async () => {
  tmp = makeTempDir();
  path = join(tmp.dir, 'disk.raw');
  writeFileSync(path, new Uint8Array(1000).fill(7));
  server = await startRangeServer(new Uint8Array(3000).fill(9));
});
afterAll(async () => {
  tmp?.remove();
  await server?.close();
});

describe('openSource', () => {
  it('opens a path and a file: URL as files', async () => {
    for (const spec of [path, pathToFileURL(path).href]) {
      const src = await openSource(spec);
      expect(src).toBeInstanceOf(NodeFileSource);
      expect(src.size).toBe(1000);
      await src.close();
    }
  });

  it('opens an http URL as a range source, passing its options on', async () => {
    const src = await openSource(server.url, { http: { headers: { 'x-probe': 'yes' } } });
    expect(src).toBeInstanceOf(HttpSource);
    expect(src.size).toBe(3000);
    expect(server.requests.at(-1)!.headers['x-probe']).toBe('yes');
  });

  it('refuses other schemes with E_USAGE and reports a missing file as E_NOT_FOUND', async () => {
    await expect(openSource('nbd://127.0.0.1/disk')).rejects.toMatchObject({ code: 'E_USAGE' });
    await expect(openSource(join(tmp.dir, 'missing.raw'))).rejects.toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

// "Source changed underneath" asks the medium for its size (ImageSource.currentSize: an fstat of the
// open descriptor for a Node file), so it holds for sources whose name is not a path: the agent opens
// files itself and names them by volume (`pool-a:disk.raw`), and a name is never guessed at.
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { convertImage } from '../helpers/node-ops.js';
import { NodeFileSource } from '../../../src/io/node-file-source.js';
import { MemoryTarget } from '../../../src/io/target.js';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';

const MiB = 1 << 20;
const dir = mkdtempSync(join(tmpdir(), 'vdisk-watch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a source named by volume, not path, that grows during the copy fails with E_SOURCE_CHANGED', async () => {
  const path = join(dir, 'disk.raw');
  writeFileSync(path, new Uint8Array(4 * MiB).fill(7));
  const handle = await open(path, 'r');
  const source = NodeFileSource.adopt('pool-a:disk.raw', handle, 4 * MiB);
  let grown = false;
  const onProgress = () => {
    if (!grown) {
      grown = true;
      appendFileSync(path, new Uint8Array(512).fill(1));
    }
  };
  const err = await convertImage({
    source,
    target: new MemoryTarget('out.raw'),
    targetFormat: 'raw',
    chunkSize: MiB,
    onProgress,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(grown).toBe(true);
  expect(isVdiskError(err) && [err.code, err.detail.path, err.detail.before, err.detail.after]).toEqual([
    'E_SOURCE_CHANGED',
    'pool-a:disk.raw',
    4 * MiB,
    4 * MiB + 512,
  ]);
});

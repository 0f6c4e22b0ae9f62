// A durable Node target syncs in the background every 64 MiB while the copy goes on; the bytes and
// the commit are as without it, and an abort waits for the sync before removing the temporary.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeFileTarget } from '../../src/io/node-file-target.js';

const MiB = 1 << 20;

describe('NodeFileTarget write-behind', () => {
  it('commits everything written across several background syncs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdisk-wb-'));
    try {
      const t = await NodeFileTarget.create(join(dir, 'out.raw'));
      const chunk = new Uint8Array(8 * MiB);
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 20; i++) writes.push(t.pwrite(chunk.fill(i + 1).slice(), i * 8 * MiB));
      await Promise.all(writes);
      await t.commit();
      const f = readFileSync(join(dir, 'out.raw'));
      expect(f.length).toBe(160 * MiB);
      for (let i = 0; i < 20; i++) expect(f[i * 8 * MiB + 4097]).toBe(i + 1);
      expect(readdirSync(dir)).toEqual(['out.raw']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('abort after background syncs leaves nothing behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdisk-wb-'));
    try {
      const t = await NodeFileTarget.create(join(dir, 'out.raw'));
      for (let i = 0; i < 9; i++) await t.pwrite(new Uint8Array(8 * MiB).fill(7), i * 8 * MiB);
      await t.abort();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

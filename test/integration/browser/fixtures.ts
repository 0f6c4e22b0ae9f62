// Images for the browser tests, made by qemu-img and qemu-io at test time: a raw base with data and
// a hole, a qcow2 overlay with data, zero and compressed clusters, and the raw flatten qemu-img
// convert makes of it (the bytes the console's flatten must match).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';

export interface ChainFixture {
  dir: string;
  base: string;
  top: string;
  /** qemu-img convert -O raw of the top, and its SHA-256. */
  flat: string;
  flatSha256: string;
  virtualSize: number;
  remove(): void;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function makeChain(sizeMiB = 64): ChainFixture {
  const dir = mkdtempSync(join(tmpdir(), 'vdisk-web-'));
  const base = join(dir, 'base.raw');
  const top = join(dir, 'disk.qcow2');
  const flat = join(dir, 'flat.raw');
  qemuImg(['create', '-q', '-f', 'raw', base, `${sizeMiB}M`]);
  qemuIo(base, ['write -P 0x5a 0 4M', 'write -P 0x33 20M 1M'], { format: 'raw' });
  qemuImg(['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=65536', '-b', 'base.raw', '-F', 'raw', top], dir);
  qemuIo(top, ['write -P 0x11 1M 2M', 'write -z 2M 256k', 'write -c -P 0x77 32M 64k', 'write -P 0x99 40M 3M'], {
    cwd: dir,
  });
  qemuImg(['convert', '-O', 'raw', top, flat], dir);
  return {
    dir,
    base,
    top,
    flat,
    flatSha256: sha256File(flat),
    virtualSize: sizeMiB << 20,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

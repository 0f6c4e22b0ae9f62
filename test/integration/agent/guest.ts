// A paused q35 guest (TCG) whose disks are qcow2 chains in a storage root, each layer opened the
// way libvirt opens a chain (a named file node with auto-read-only under a named format node,
// read-only below the top), and a helper to write a layer's pattern. Options slow a disk down
// (throttle) or make its reads fail (blkdebug).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GuestBoot } from '../../helpers/guest-os/boot.js';
import { startQemu, type QemuInstance } from '../../helpers/qemu.js';
import { requireTool } from '../../helpers/tools.js';
import type { BlockdevOptions } from '../../../src/qmp/types.js';

export const MiB = 1 << 20;

export interface DiskSpec {
  /** Device id, which is the disk's target in the inventory (vda, vdb...). */
  id: string;
  /** Layer file names without .qcow2, base first; layer i holds pattern 0xa0+i over MiB [i, i+1). */
  layers: string[];
  sizeMiB?: number;
  /** MiB of data in the top layer (pattern 0xee from MiB 2), to give a mirror work to do. */
  topDataMiB?: number;
  /** Top layer's file node through a throttle group of this many bytes per second. */
  throttleBps?: number;
  /** Reads of the top layer's file at this host offset fail with EIO (blkdebug). */
  failReadAt?: number;
}

export function qemuImg(...args: string[]): string {
  return execFileSync(requireTool('qemu-img'), args, { encoding: 'utf8' });
}

export function qemuIo(path: string, cmd: string): void {
  execFileSync(requireTool('qemu-io'), ['-f', 'qcow2', '-c', cmd, path], { stdio: 'pipe' });
}

/** Makes the images of `disks` under `pool` (relative backing names). */
export function makeImages(pool: string, disks: DiskSpec[]): void {
  mkdirSync(pool, { recursive: true });
  for (const d of disks) {
    d.layers.forEach((name, i) => {
      const path = join(pool, `${name}.qcow2`);
      qemuImg(
        'create',
        '-q',
        '-f',
        'qcow2',
        ...(i ? ['-b', `${d.layers[i - 1]}.qcow2`, '-F', 'qcow2'] : []),
        path,
        `${d.sizeMiB ?? 32}M`,
      );
      qemuIo(path, `write -P 0x${(0xa0 + i).toString(16)} ${i}M 1M`);
      if (i === d.layers.length - 1 && d.topDataMiB) qemuIo(path, `write -P 0xee 2M ${d.topDataMiB}M`);
    });
  }
}

function fileNode(d: DiskSpec, name: string, path: string, top: boolean): BlockdevOptions {
  // As libvirt: QEMU holds the file read-only until a writer (a commit into the layer) attaches.
  const file = { driver: 'file', filename: path, 'auto-read-only': true };
  if (top && d.throttleBps)
    return { driver: 'throttle', 'node-name': `f-${name}`, 'throttle-group': `tg-${d.id}`, file };
  if (top && d.failReadAt !== undefined) {
    return {
      driver: 'blkdebug',
      'node-name': `f-${name}`,
      image: file,
      'inject-error': [{ event: 'read_aio', errno: 5, sector: d.failReadAt / 512 }],
    };
  }
  return { ...file, 'node-name': `f-${name}` };
}

/** A paused machine with the disks; with `boot`, a running Linux guest whose init writes to them. */
export async function startGuest(pool: string, disks: DiskSpec[], boot?: GuestBoot): Promise<QemuInstance> {
  const extraArgs = disks
    .filter((d) => d.throttleBps)
    .flatMap((d) => ['-object', `throttle-group,id=tg-${d.id},x-bps-total=${d.throttleBps}`]);
  if (boot) extraArgs.push(...boot.args);
  const qemu = await startQemu({
    extraArgs,
    ...(boot ? { memoryMiB: boot.memoryMiB } : {}),
    disks: disks.map((d) => ({
      id: d.id,
      nodes: d.layers.flatMap((name, i) => {
        const path = join(pool, `${name}.qcow2`);
        const top = i === d.layers.length - 1;
        return [
          fileNode(d, name, path, top),
          {
            driver: 'qcow2',
            'node-name': `n-${name}`,
            file: `f-${name}`,
            backing: i ? `n-${d.layers[i - 1]}` : null,
            ...(top ? {} : { 'read-only': true }),
          },
        ];
      }),
    })),
  });
  if (boot) await qemu.qmp.execute('cont');
  return qemu;
}

export function tempDir(prefix = 'vg-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

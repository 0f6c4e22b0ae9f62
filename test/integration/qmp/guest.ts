// A paused q35 guest whose disks are qcow2 chains built with qemu-img: layer i of a disk holds
// pattern 0xa0+i over MiB [i, i+1), so every layer contributes data a copy or commit must carry.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { queryBlock, queryNamedBlockNodes } from '../../../src/qmp/blockdev.js';
import { imageNode } from '../../../src/qmp/node-options.js';
import { Transcript } from '../../../src/qmp/transcript.js';
import type { QmpClient } from '../../../src/qmp/client.js';
import { finishJob, waitForJobStatus } from '../../../src/qmp/job-wait.js';
import { jobComplete, queryJobs } from '../../../src/qmp/jobs.js';
import { expect } from 'vitest';
import { startQemu, type QemuInstance } from '../../helpers/qemu.js';
import { createQcow2, imageDir, writePattern } from './images.js';

export const DISK_MIB = 32;

export interface DiskSpec {
  id: string;
  /** Layer names, base first; each is also its node name and its file name (NAME.qcow2). */
  layers: string[];
}

export interface Guest {
  vm: QemuInstance;
  dir: string;
  transcript: Transcript;
  path(name: string): string;
  /** Quits QEMU (images closed cleanly) and removes the images. */
  dispose(): Promise<void>;
}

export const layerPattern = (index: number) => 0xa0 + index;

export async function startGuest(disks: DiskSpec[]): Promise<Guest> {
  const dir = imageDir();
  const path = (name: string) => join(dir, `${name}.qcow2`);
  for (const disk of disks) {
    disk.layers.forEach((name, i) => {
      // Relative backing names, as a storage pool keeps them.
      createQcow2(path(name), DISK_MIB, i === 0 ? undefined : `${disk.layers[i - 1]}.qcow2`);
      writePattern(path(name), layerPattern(i), i, 1);
    });
  }
  const transcript = new Transcript();
  const vm = await startQemu({
    transcript,
    disks: disks.map((disk) => ({
      id: disk.id,
      nodes: disk.layers.map((name, i) =>
        imageNode(name, path(name), {
          format: 'qcow2',
          backing: i === 0 ? null : disk.layers[i - 1],
          readOnly: i < disk.layers.length - 1,
        }),
      ),
    })),
  }).catch((e: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  return {
    vm,
    dir,
    transcript,
    path,
    dispose: async () => {
      saveTranscript(transcript);
      await vm.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Quits QEMU so the images are closed and unlocked before qemu-img looks at them. */
export async function quit(guest: Guest): Promise<void> {
  await guest.vm.qmp.execute('quit');
  await guest.vm.exited;
}

/** With VDISK_QMP_TRANSCRIPTS=DIR, keeps each test's transcript as DIR/<test name>.json for the simulator. */
function saveTranscript(transcript: Transcript): void {
  const out = process.env.VDISK_QMP_TRANSCRIPTS;
  if (!out) return;
  const name = (expect.getState().currentTestName ?? 'unnamed').replace(/[^a-z0-9]+/gi, '-').toLowerCase();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${name.slice(0, 120)}.json`), `${JSON.stringify(transcript, null, 1)}\n`);
}

/** A guest write through the disk's device (HMP qemu-io on the virtio backend), MiB [0, 1) set to `pattern`. */
export async function guestWrite(guest: Guest, deviceId: string, pattern: number): Promise<void> {
  const cmd = `qemu-io -d /machine/peripheral/${deviceId}/virtio-backend "write -P 0x${pattern.toString(16)} 0 1M"`;
  const out = await guest.vm.qmp.execute<string>('human-monitor-command', { 'command-line': cmd });
  // qemu-io prints its result on QEMU's stdout; the HMP reply carries only errors.
  if (out.trim() !== '') throw new Error(`guest write on ${deviceId} failed: ${out}`);
}

/** Starts a job with `start`, waits for READY, pivots (job-complete) and finalizes it: no job is left. */
export async function pivotWhenReady(qmp: QmpClient, job: string, start: () => Promise<unknown>): Promise<void> {
  await waitForJobStatus(qmp, job, 'ready', { timeoutMs: 10_000, start });
  await jobComplete(qmp, job);
  const done = await finishJob(qmp, job, { timeoutMs: 10_000 });
  expect(done.error).toBeUndefined();
  expect(await queryJobs(qmp)).toEqual([]);
}

/** The node a guest device reads through now (query-block). */
export async function deviceNode(guest: Guest, device = 'vda'): Promise<string | undefined> {
  return (await queryBlock(guest.vm.qmp)).find((b) => b.qdev?.includes(device))?.inserted?.['node-name'];
}

/** The nodes the test named (QEMU's own `#block...` left out), sorted, and the backing file of each. */
export async function namedNodes(
  guest: Guest,
): Promise<{ names: string[]; backingOf(name: string): string | undefined }> {
  const nodes = await queryNamedBlockNodes(guest.vm.qmp);
  return {
    names: nodes
      .map((n) => n['node-name'])
      .filter((n) => !n.startsWith('#'))
      .sort(),
    backingOf: (name) => nodes.find((n) => n['node-name'] === name)?.backing_file,
  };
}

// Starts a real qemu-system-x86_64 for tests, with QMP on a unix socket in a short temp dir, and
// tears it down (quit, then SIGKILL, then the dir). Either a bare `-machine none` or a paused q35
// guest with one virtio-blk-pci device per disk, each on the top node of its -blockdev chain.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QmpClient } from '../../src/qmp/client.js';
import type { Transcript } from '../../src/qmp/transcript.js';
import type { BlockdevOptions } from '../../src/qmp/types.js';
import { requireTool } from './tools.js';

export interface GuestDisk {
  /** qdev id of the virtio-blk-pci device. */
  id: string;
  /** -blockdev nodes, bottom of the chain first; the device sits on the last one. */
  nodes: BlockdevOptions[];
}

export interface StartQemuOptions {
  /** With disks: `-S -machine q35,accel=tcg` and a device per disk. Without: `-machine none`. */
  disks?: GuestDisk[];
  transcript?: Transcript;
  commandTimeoutMs?: number;
  /** More command-line arguments (e.g. `-object throttle-group,...` for a slow disk). */
  extraArgs?: string[];
  /** Guest memory in MiB (default 64; a booting kernel needs more). */
  memoryMiB?: number;
}

export interface QemuInstance {
  dir: string;
  socketPath: string;
  qmp: QmpClient;
  process: ChildProcess;
  stderr(): string;
  /** A new QMP session, which becomes `qmp` (close the old one first: QEMU serves one client at a time). */
  connect(transcript?: Transcript): Promise<QmpClient>;
  /** Resolves when the QEMU process has exited. */
  exited: Promise<void>;
  /** Sends a signal and waits for QEMU to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** `quit` (so images are closed cleanly), SIGKILL if that fails, then removes the temp dir. */
  stop(): Promise<void>;
}

const SUN_PATH_MAX = 107;

// QEMU processes still running; killed if the test worker exits without tearing them down.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export async function startQemu(opts: StartQemuOptions = {}): Promise<QemuInstance> {
  const binary = requireTool('qemu-system-x86_64');
  const dir = mkdtempSync(join(tmpdir(), 'vq-'));
  const socketPath = join(dir, 'qmp.sock');
  if (Buffer.byteLength(socketPath) > SUN_PATH_MAX)
    throw new Error(`QMP socket path too long for a unix socket: ${socketPath}`);
  const args = [
    '-nodefaults',
    '-display',
    'none',
    '-qmp',
    `unix:${socketPath},server=on,wait=off`,
    ...machineArgs(opts.disks, opts.memoryMiB),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((resolve) => child.once('exit', () => (live.delete(child), resolve())));
  const exitedEarly = exited.then(() => {
    throw new Error(`qemu-system-x86_64 exited at start (code ${child.exitCode}): ${stderr.trim()}`);
  });

  const open = (transcript?: Transcript) =>
    Promise.race([
      connectWhenListening(socketPath, { transcript, commandTimeoutMs: opts.commandTimeoutMs ?? 10_000 }),
      exitedEarly,
    ]);
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  let qmp: QmpClient;
  try {
    qmp = await open(opts.transcript);
  } catch (e) {
    await kill();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  exitedEarly.catch(() => undefined);

  const instance: QemuInstance = {
    dir,
    socketPath,
    qmp,
    process: child,
    kill,
    exited,
    connect: async (transcript) => (instance.qmp = await open(transcript)),
    stderr: () => stderr,
    stop: async () => {
      if (instance.qmp.isOpen)
        await instance.qmp.execute('quit', undefined, { timeoutMs: 2_000 }).catch(() => undefined);
      const quitInTime = await Promise.race([exited.then(() => true), delay(3_000).then(() => false)]);
      if (!quitInTime) await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return instance;
}

function machineArgs(disks: GuestDisk[] | undefined, memoryMiB = 64): string[] {
  if (!disks) return ['-machine', 'none'];
  const args = [
    '-S',
    '-machine',
    `q35,accel=${process.env.VDISK_KVM === '1' ? 'kvm' : 'tcg'}`,
    '-m',
    String(memoryMiB),
  ];
  for (const disk of disks) {
    for (const node of disk.nodes) args.push('-blockdev', JSON.stringify(node));
    const top = disk.nodes.at(-1)?.['node-name'];
    args.push('-device', `virtio-blk-pci,id=${disk.id},drive=${String(top)}`);
  }
  return args;
}

/** QEMU creates the socket a moment after it starts: retry until it accepts or 10 s pass. */
async function connectWhenListening(
  socketPath: string,
  options: { transcript?: Transcript; commandTimeoutMs: number },
): Promise<QmpClient> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await QmpClient.connect(socketPath, { ...options, connectTimeoutMs: 5_000 });
    } catch (e) {
      const errno = (e as { detail?: { errno?: string } }).detail?.errno;
      if ((errno !== 'ENOENT' && errno !== 'ECONNREFUSED') || Date.now() > deadline) throw e;
      await delay(20);
    }
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

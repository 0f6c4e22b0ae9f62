// The demo VM: a paused q35 guest (TCG, 64 MiB, no firmware run) whose one virtio disk sits on a
// qcow2 node of the demo pool, with QMP on a unix socket for the agent. Enough for live copy,
// pivot, snapshot and commit; it never boots anything.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoVm {
  name: string;
  socket: string;
  stop(): Promise<void>;
}

export function qemuAvailable(): string | undefined {
  try {
    execFileSync('sh', ['-c', 'command -v qemu-system-x86_64'], { stdio: 'pipe' });
    return undefined;
  } catch {
    return 'qemu-system-x86_64 is not installed on this machine (apt-get install qemu-system-x86), so there is no demo VM for live copy, pivot, snapshot and commit';
  }
}

export async function startDemoVm(disk: string, runDir: string): Promise<DemoVm> {
  const socket = join(runDir, 'demo-vm.qmp');
  const args = [
    '-S',
    '-machine',
    'q35,accel=tcg',
    '-m',
    '64',
    '-nodefaults',
    '-display',
    'none',
    '-qmp',
    `unix:${socket},server=on,wait=off`,
    '-blockdev',
    JSON.stringify({ driver: 'file', filename: disk, 'node-name': 'root-file' }),
    '-blockdev',
    JSON.stringify({ driver: 'qcow2', file: 'root-file', 'node-name': 'root-fmt' }),
    '-device',
    'virtio-blk-pci,id=vda,drive=root-fmt',
  ];
  const child: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  for (let i = 0; i < 200 && !existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`qemu-system-x86_64 exited: ${stderr.trim()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
  if (!existsSync(socket)) {
    child.kill('SIGKILL');
    throw new Error(`the demo VM's QMP socket did not appear: ${stderr.trim()}`);
  }
  return {
    name: 'demo-vm',
    socket,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const quit = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 3000))]);
      if (!quit) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

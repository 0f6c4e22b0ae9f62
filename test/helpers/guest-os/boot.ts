// QEMU arguments that boot the test guest (kernel + initramfs, no disk of its own) with its console
// in a file and its control port on a unix socket, and the control connection once it is up.
import { join } from 'node:path';
import { guestOs } from './build.js';
import { guestControl, type GuestControl } from './control.js';

export interface GuestBoot {
  args: string[];
  consoleLog: string;
  controlSocket: string;
  memoryMiB: number;
}

export function guestBootArgs(dir: string): GuestBoot {
  const os = guestOs();
  const consoleLog = join(dir, 'console.log');
  const controlSocket = join(dir, 'ctl.sock');
  return {
    consoleLog,
    controlSocket,
    memoryMiB: 256,
    args: [
      '-kernel',
      os.kernel,
      '-initrd',
      os.initrd,
      '-append',
      'console=ttyS0 panic=-1 loglevel=4',
      '-no-reboot',
      '-serial',
      `file:${consoleLog}`,
      '-chardev',
      `socket,id=ctl,path=${controlSocket},server=on,wait=off`,
      '-serial',
      'chardev:ctl',
    ],
  };
}

/** Connects to the control port and waits for the guest's init to say READY. */
export async function attachGuest(boot: GuestBoot, timeoutMs = 90_000): Promise<GuestControl> {
  const control = await guestControl(boot.controlSocket);
  const timer = new Promise<never>((_, reject) =>
    setTimeout(
      () => reject(new Error(`the guest did not boot within ${timeoutMs} ms (see ${boot.consoleLog})`)),
      timeoutMs,
    ).unref(),
  );
  await Promise.race([control.ready, timer]);
  return control;
}

// Running vdisk on a built fixture, the way the differential tests run qemu-img on it.
import { dirname } from 'node:path';
import type { BuiltImage } from '../../fixtures/fixture.js';
import type { QemuFacts } from '../../fixtures/qemu-facts.js';
import { type CliRun, runVdisk } from '../../fixtures/vdisk-cli.js';

export interface Built {
  image: BuiltImage;
  facts: QemuFacts;
}

/** vdisk runs in the image's directory, like qemu-img does in these tests (see fixtures/qemu.ts). */
export function vdiskOn(image: BuiltImage, args: string[]): Promise<CliRun> {
  return runVdisk([...args, image.path], { cwd: dirname(image.path) });
}

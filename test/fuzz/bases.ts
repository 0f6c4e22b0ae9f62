// The fuzz bases (test/fixtures/fuzz-bases.ts, built once with qemu-img) as plain bytes a worker can
// take: each image, its mutation targets, and every other file in its directory (an overlay's
// backing file), which the in-memory gate serves by name.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FUZZ_BASES } from '../fixtures/fuzz-bases.js';
import { mutationTargets, type Region } from '../fixtures/fuzz-targets.js';

export interface BaseImage {
  name: string;
  file: string;
  bytes: Uint8Array;
  targets: Region[];
  /** The files beside it, by name: what its backing name may resolve to. */
  siblings: Record<string, Uint8Array>;
}

export function buildBases(root: string): BaseImage[] {
  return FUZZ_BASES.map((b) => {
    const dir = join(root, b.name);
    mkdirSync(dir, { recursive: true });
    const { path } = b.build(dir);
    const bytes = readFileSync(path);
    const siblings: Record<string, Uint8Array> = {};
    for (const f of readdirSync(dirname(path)))
      if (f !== basename(path)) siblings[f] = new Uint8Array(readFileSync(join(dir, f)));
    return {
      name: b.name,
      file: basename(path),
      bytes: new Uint8Array(bytes),
      targets: mutationTargets(bytes),
      siblings,
    };
  });
}

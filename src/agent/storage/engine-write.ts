// The engine's write API (src/engine/write, docs/contracts.md) as the offline steps use it. Writes
// get their own engine instance (a long copy must not hold up extents or verify reads). Every file
// is opened by the agent (safe-open: O_NOFOLLOW, descriptor checked against the roots, one link for
// writes) and handed to the engine as that descriptor; backing chains open through the same checks.
// The agent never shells out to qemu-img for data.
import * as write from '../../engine/ops/index.js';
import type { ImageTarget } from '../../io/target.js';
import { createNodeEngine } from '../../host/node-engine.js';
import { CheckedGate, engineFiles } from './checked-io.js';
import type { CheckedFiles } from './safe-open.js';

type Fmt = 'raw' | 'qcow2';
export interface Progress {
  phase: string;
  done: number;
  total: number;
}
export interface LongOp {
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}
type Backing = { name: string; format: Fmt };

const access = (files: CheckedFiles) => ({
  gate: new CheckedGate(files),
  files: engineFiles(files),
  newEngine: () => createNodeEngine(),
});

export function convert(
  files: CheckedFiles,
  o: LongOp & {
    source: string;
    sourceFormat?: Fmt;
    target: string;
    targetFormat: Fmt;
    backing?: Backing;
    reuseTarget?: boolean;
    targetSize?: number;
  },
): Promise<{ bytesRead: number; bytesWritten: number }> {
  return write.convertImage({ ...o, ...access(files) });
}

/** An empty image (qemu-img create) into `target`, a new file the caller opened (checked-io's checkedTarget). */
export async function createEmpty(
  files: CheckedFiles,
  o: { target: ImageTarget; targetFormat: Fmt; size: number; backing?: Backing },
): Promise<void> {
  await write.createImage({
    target: o.target,
    format: o.targetFormat,
    size: o.size,
    backing: o.backing,
    ...access(files),
  });
}

/** qemu-img commit -b BASE (implies -d): the layers above `base` up to `image` merged into it. */
export async function commitInto(
  files: CheckedFiles,
  o: LongOp & { image: string; format?: Fmt; base: string },
): Promise<void> {
  await write.commitImage({ ...o, drop: true, ...access(files) });
}

/** qemu-img rebase -u: only the backing name and format in the header change. */
export async function rebaseUnsafe(
  files: CheckedFiles,
  o: { image: string; format?: Fmt; backing: Backing },
): Promise<void> {
  await write.rebaseImage({ ...o, unsafe: true, ...access(files) });
}

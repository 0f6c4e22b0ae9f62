// Option values every verb checks the same way: image formats and --output.
import type { ImageFormat } from '../../engine/read/gate.js';
import { VdiskError } from '../../errors/vdisk-error.js';

/** An image format named on the command line (`what`: source, target, backing, image). */
export function format(v: string | undefined, what: string): ImageFormat | undefined {
  if (v === undefined || v === 'raw' || v === 'qcow2') return v;
  const hint = what === 'target' ? 'write raw or qcow2, then convert that with qemu-img' : undefined;
  throw new VdiskError(
    'E_FORMAT_UNSUPPORTED',
    `${what} format ${v} is not supported (raw, qcow2)`,
    hint ? { hint } : undefined,
  );
}

/** --output, as qemu-img takes it: human or json, anything else refused. */
export function outputMode(v: string | undefined): 'human' | 'json' {
  if (v === undefined || v === 'human' || v === 'json') return v ?? 'human';
  throw new VdiskError('E_USAGE', `--output must be human or json (got ${v})`);
}

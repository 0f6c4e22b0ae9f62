// Option values every verb checks the same way: image formats, a backing file and its -F, --output.
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

/** A backing file named with `flag` (-b, -B) and its -F format: required, backing formats are never probed. */
export function backingOf(
  name: string | undefined,
  fmt: string | undefined,
  flag: string,
): { name: string; format: ImageFormat } | undefined {
  const f = format(fmt, 'backing');
  if (name === undefined) return undefined;
  if (f === undefined) throw new VdiskError('E_USAGE', `${flag} needs -F FMT (backing formats are never probed)`);
  return { name, format: f };
}

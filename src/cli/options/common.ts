// Rows several verbs share: image formats, --probe-backing, -p, --output, -o and -F.
import type { OptRow } from './row.js';

export const fmt = (what = 'image format', dflt = 'probed from the file') =>
  ({ type: 'string', arg: 'FMT', help: `${what}: raw or qcow2 (default: ${dflt})` }) as const;

export const PROBE = {
  type: 'boolean',
  default: false,
  help: 'probe raw/qcow2 for a backing file whose format is not recorded\n(default: refused with E_BACKING_FORMAT_UNKNOWN)',
} as const;

export const PROGRESS = {
  type: 'boolean',
  default: false,
  help: 'print progress as qemu-img does ("    (12.34/100%)")',
} as const;

export const OUTPUT = {
  type: 'string',
  default: 'human',
  arg: '=human|json',
  help: 'output format (default: human)',
} as const;

export const CREATE_OPTS = {
  type: 'string',
  multiple: true,
  arg: 'OPTS',
  help:
    'creation options k=v,... (repeatable): cluster_size, compat,\n' +
    'refcount_bits, extended_l2, lazy_refcounts, compression_type,\npreallocation=off|metadata, backing_file, backing_fmt, size',
} as const;

export const NEVER_PROBED = (flag: string) =>
  ({
    type: 'string',
    arg: 'FMT',
    help: `format of the backing file, required with ${flag}\n(backing formats are never probed)`,
  }) as const;

/** An option qemu-img takes that changes nothing here. */
export const IGNORED_FLAG = { type: 'boolean', ignored: true } as const satisfies OptRow;
export const IGNORED_VALUE = { type: 'string', ignored: true } as const satisfies OptRow;

export const SIZES = 'Sizes take k, M, G, T, P, E suffixes (powers of 1024).';

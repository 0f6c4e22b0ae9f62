// The reading verbs' options: info, map, compare, check.
import { fmt, OUTPUT, PROBE, PROGRESS } from './common.js';
import type { VerbSpec } from './row.js';

export const INFO = {
  summary: 'describe an image (as qemu-img info)',
  usage: 'vdisk info [-f FMT] [--output=human|json] [--backing-chain] [--probe-backing] FILE',
  options: {
    format: { ...fmt(), short: 'f' },
    output: OUTPUT,
    'backing-chain': {
      type: 'boolean',
      default: false,
      help: 'describe every layer of the backing chain\n(default: FILE alone, without opening its backing file)',
    },
    'probe-backing': PROBE,
  },
} as const satisfies VerbSpec;

export const MAP = {
  summary: 'list where guest data lives (as qemu-img map)',
  usage: 'vdisk map [-f FMT] [--output=human|json] [--probe-backing] FILE',
  options: { format: { ...fmt(), short: 'f' }, output: OUTPUT, 'probe-backing': PROBE },
} as const satisfies VerbSpec;

export const COMPARE = {
  summary: 'compare the guest-visible content of two images (as qemu-img compare)',
  usage: 'vdisk compare [-f FMT] [-F FMT] [--probe-backing] A B',
  options: {
    format: { ...fmt('format of A', 'probed'), short: 'f' },
    'second-format': { ...fmt('format of B', 'probed'), short: 'F' },
    'probe-backing': PROBE,
    output: { type: 'string', help: 'accepted; compare always prints text' },
  },
  notes:
    'A larger image matches only if its extra bytes read as zeros.\nExit status: 0 identical, 1 different (the first mismatching offset is printed), 2 error.',
} as const satisfies VerbSpec;

export const CHECK = {
  summary: 'check a qcow2 image for leaks and corruptions, optionally repair it',
  usage: 'vdisk check [-f FMT] [--output=human|json] [-r leaks|all [-p]] [--probe-backing] FILE',
  options: {
    format: { ...fmt(), short: 'f' },
    output: OUTPUT,
    repair: {
      type: 'string',
      short: 'r',
      arg: 'leaks|all',
      help: 'repair in place first: leaked clusters only, or all errors;\nthe report is that of the repaired image (Ctrl-C stops between steps)',
    },
    progress: { ...PROGRESS, short: 'p', help: "print the repair's progress (on stderr with --output=json)" },
    'probe-backing': PROBE,
  },
  notes:
    'Exit status: 0 clean, 1 check or repair failed, 2 corruptions, 3 leaked clusters only,\n63 raw (no checks for this format).',
} as const satisfies VerbSpec;

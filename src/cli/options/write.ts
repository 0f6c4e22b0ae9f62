// The options of the verbs that write a new image: convert, create, measure (which sizes one).
import {
  CREATE_OPTS,
  fmt,
  IGNORED_FLAG,
  IGNORED_VALUE,
  NEVER_PROBED,
  OUTPUT,
  PROBE,
  PROGRESS,
  SIZES,
} from './common.js';
import type { VerbSpec } from './row.js';

const FORCE = (what: string) =>
  ({
    type: 'boolean',
    default: false,
    help: `replace an existing ${what}\n(default: refused with E_TARGET_EXISTS, unlike qemu-img)`,
  }) as const;
const flag = (help: string) => ({ type: 'boolean', default: false, help }) as const;

export const CONVERT = {
  summary: 'copy images into a new raw or qcow2 image (as qemu-img convert)',
  usage:
    'vdisk convert [-f FMT] [-O FMT] [-o OPTS] [-B BACKING -F FMT] [-S SIZE] [-c]\n' +
    '       [-n [--target-is-zero]] [--target-size SIZE] [--bitmaps [--skip-broken-bitmaps]]\n' +
    '       [-p] [-t unsafe] [--force] [--no-offload] SRC... DST',
  options: {
    f: fmt('source format'),
    O: { ...fmt('target format', 'raw'), default: 'raw' },
    o: CREATE_OPTS,
    B: { type: 'string', arg: 'BACKING', help: 'backing file of the new qcow2 image' },
    F: NEVER_PROBED('-B'),
    S: { type: 'string', arg: 'SIZE', help: 'leave zero runs of at least SIZE unallocated' },
    c: flag('compress clusters (qcow2)'),
    n: flag('write into an existing DST instead of creating it (no -o)'),
    'target-is-zero': flag('with -n: DST already reads as zeros'),
    'target-size': { type: 'string', arg: 'SIZE', help: 'make DST at least SIZE' },
    bitmaps: flag('copy persistent dirty bitmaps (qcow2 v3 target)'),
    'skip-broken-bitmaps': flag('with --bitmaps: leave out inconsistent bitmaps instead of failing'),
    p: PROGRESS,
    t: { type: 'string', arg: 'unsafe', help: "skip the fdatasync before the rename (qemu-img's own behaviour)" },
    force: FORCE('DST'),
    'no-offload': flag(
      'always read and write; default: where DST shares extents with SRC\n(XFS with reflink, btrfs), the kernel copies (copy_file_range)',
    ),
    'chunk-size': { type: 'string', arg: 'SIZE', help: 'copy chunk, 1M to 8M (default: 4M)' },
    depth: { type: 'string', arg: 'N', help: 'chunks in flight (default: 4); memory is chunk × depth' },
    'probe-backing': PROBE,
    T: IGNORED_VALUE,
    W: IGNORED_FLAG,
    m: IGNORED_VALUE,
    q: IGNORED_FLAG,
  },
  ignoredAlso: 'and -t values other than unsafe',
  notes:
    'Several SRCs are concatenated. A new DST is written under a temporary name, fdatasynced (unless\n' +
    `-t unsafe) and renamed into place, so a failed or cancelled copy leaves no partial DST.\n${SIZES}`,
} as const satisfies VerbSpec;

export const CREATE = {
  summary: 'create a new raw or qcow2 image (as qemu-img create)',
  usage: 'vdisk create [-f FMT] [-o OPTS] [-b BACKING -F FMT] [-p] [--force] FILE [SIZE]',
  options: {
    f: { ...fmt('image format', 'raw'), default: 'raw' },
    o: CREATE_OPTS,
    b: { type: 'string', arg: 'BACKING', help: 'backing file; SIZE defaults to its size' },
    F: NEVER_PROBED('-b'),
    p: { ...PROGRESS, help: 'print progress of what is written; Ctrl-C leaves no file behind' },
    force: FORCE('FILE'),
    q: IGNORED_FLAG,
  },
  notes: SIZES,
} as const satisfies VerbSpec;

export const MEASURE = {
  summary: 'compute the size a new image needs (as qemu-img measure)',
  usage: 'vdisk measure [--output=human|json] [-O FMT] [-o OPTS] [--size SIZE | [-f FMT] FILE]',
  options: {
    f: fmt('format of FILE'),
    O: { ...fmt('format to measure for', 'raw'), default: 'raw' },
    o: CREATE_OPTS,
    size: { type: 'string', arg: 'SIZE', help: 'measure a new empty image of SIZE instead of FILE' },
    output: OUTPUT,
    'probe-backing': PROBE,
  },
  notes: SIZES,
} as const satisfies VerbSpec;

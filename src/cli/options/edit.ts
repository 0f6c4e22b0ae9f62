// The options of the verbs that change an image in place: commit, rebase, resize.
import { fmt, IGNORED_FLAG, IGNORED_VALUE, PROBE, PROGRESS, SIZES } from './common.js';
import type { VerbSpec } from './row.js';

export const COMMIT = {
  summary: "write an image's changes into its backing file (as qemu-img commit)",
  usage: 'vdisk commit [-f FMT] [-b BASE] [-d] [-p] [--probe-backing] FILE',
  options: {
    f: fmt(),
    b: {
      type: 'string',
      arg: 'BASE',
      help: 'commit into BASE, a layer of the chain (default: the backing file);\nimplies -d',
    },
    d: { type: 'boolean', default: false, help: "keep FILE's content (default: FILE is emptied after the commit)" },
    p: PROGRESS,
    'probe-backing': PROBE,
    q: IGNORED_FLAG,
    t: IGNORED_VALUE,
  },
} as const satisfies VerbSpec;

export const REBASE = {
  summary: "change an image's backing file (as qemu-img rebase)",
  usage: 'vdisk rebase [-f FMT] [-u] [-p] -b BACKING [-F FMT] [--probe-backing] FILE',
  options: {
    f: fmt(),
    b: { type: 'string', arg: 'BACKING', help: 'the new backing file; -b "" removes it' },
    F: {
      type: 'string',
      arg: 'FMT',
      help: 'format of BACKING, required unless -b ""\n(backing formats are never probed)',
    },
    u: {
      type: 'boolean',
      default: false,
      help: 'unsafe: rewrite only the header\n(default: copy what differs into FILE, so the guest sees the same data)',
    },
    p: PROGRESS,
    'probe-backing': PROBE,
    q: IGNORED_FLAG,
    t: IGNORED_VALUE,
    T: IGNORED_VALUE,
  },
} as const satisfies VerbSpec;

export const RESIZE = {
  summary: 'grow or shrink an image (as qemu-img resize)',
  usage: 'vdisk resize [-f FMT] [--shrink] [-p] [--probe-backing] FILE [+|-]SIZE',
  options: {
    f: fmt(),
    shrink: { type: 'boolean', default: false, help: 'allow the image to get smaller (required for any shrink)' },
    p: PROGRESS,
    'probe-backing': PROBE,
    q: IGNORED_FLAG,
  },
  notes: `SIZE sets the size, +SIZE grows by SIZE, -SIZE shrinks by SIZE (with --shrink).\n${SIZES}`,
} as const satisfies VerbSpec;

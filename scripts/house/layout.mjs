// Where every file goes in the house layout of issue 15 (items 2, 3 and 6): rules by folder and file
// name, first match wins, so files added after these rules were written are placed too. Only the
// folder changes; a file keeps its name, so every mention of it in prose stays true.
//
// A rule is [from folder, test on the file name, to folder]. `place()` answers the new path, the same
// path (not part of a reorganised folder), or undefined (in a reorganised folder, no rule matched:
// move.mjs prints it and leaves it where it is).

const is =
  (...names) =>
  (f) =>
    names.includes(f);
const starts =
  (...prefixes) =>
  (f) =>
    prefixes.some((p) => f.startsWith(p));
const any = () => true;

/** Folders whose direct files are re-homed; a file in one of them that no rule places is reported. */
export const REORGANISED = [
  'src/engine',
  'src/engine/write',
  'src/agent',
  'test/engine',
  'test/engine-write',
  'test/engine-diff',
  'test/web',
  'test/agent',
];

export const RULES = [
  // src/engine by concern, mirroring assembly/ (core, read, copy, qcow2, ops, repair).
  ['src/engine/write', is('exports.ts'), 'src/engine/core'],
  [
    'src/engine',
    is('engine.ts', 'load.ts', 'load-node.ts', 'node-engine.ts', 'codes.ts', 'decompress.ts', 'zstd-frame.ts'),
    'src/engine/core',
  ],
  [
    'src/engine',
    is(
      'chain.ts',
      'gate.ts',
      'node-gate.ts',
      'layer-facts.ts',
      'meta-prealloc.ts',
      'block-status.ts',
      'reader.ts',
      'listing.ts',
      'check.ts',
      'info.ts',
      'qemu-map.ts',
    ),
    'src/engine/read',
  ],
  ['src/engine/write/qcow2', any, 'src/engine/qcow2'],
  ['src/engine/write', starts('repair'), 'src/engine/repair'],
  ['src/engine/write', starts('bitmap-'), 'src/engine/qcow2'],
  [
    'src/engine/write',
    is(
      'aligner.ts',
      'source-runs.ts',
      'source-watch.ts',
      'read-ahead.ts',
      'pipeline.ts',
      'copier.ts',
      'concat.ts',
      'sink.ts',
      'tail-merge.ts',
      'reuse.ts',
    ),
    'src/engine/copy',
  ],
  [
    'src/engine/write',
    (f) => f.endsWith('-sink.ts') || f.startsWith('copy-') || f.startsWith('offload'),
    'src/engine/copy',
  ],
  [
    'src/engine/write',
    is(
      'index.ts',
      'open.ts',
      'progress.ts',
      'convert.ts',
      'create.ts',
      'measure.ts',
      'commit.ts',
      'rebase.ts',
      'resize.ts',
      'shrink-tail.ts',
      'empty.ts',
    ),
    'src/engine/ops',
  ],

  // src/agent in folders (http/ already is one).
  [
    'src/agent',
    (f) => /^(job|jobs|journal|idempotency|step-runner|busy|serial|plan-|nonce-log|drain|event-log|orphans)/.test(f),
    'src/agent/jobs',
  ],
  ['src/agent', (f) => /^(qmp-|vm-|vms\.ts)/.test(f), 'src/agent/vm'],
  ['src/agent', starts('verify', 'check-target'), 'src/agent/verify'],
  [
    'src/agent',
    (f) =>
      /^(roots|containment|safe-open|checked-io|scan|space-check|file-steps|format-source|volume-ids|wipe|write-guard|inventory|store|owner|engine-)/.test(
        f,
      ),
    'src/agent/storage',
  ],
  [
    'src/agent',
    is('agent.ts', 'cli.ts', 'config.ts', 'context.ts', 'log.ts', 'server.ts', 'transport.ts', 'public-error.ts'),
    'src/agent',
  ],

  // test/agent mirrors src/agent's folders (named by the module a test is about; helpers stay).
  [
    'test/agent',
    (f) =>
      /^(job|jobs|journal|idempotency|step-runner|busy|serial|plan-|nonce-log|drain|event-|orphans|switch-|ready-after|recovery|retry|events)/.test(
        f,
      ),
    'test/agent/jobs',
  ],
  ['test/agent', (f) => /^(qmp-|vm-|vms)/.test(f), 'test/agent/vm'],
  ['test/agent', starts('verify', 'check-target'), 'test/agent/verify'],
  [
    'test/agent',
    (f) =>
      /^(roots|containment|safe-open|checked-io|scan|space-check|file-steps|format-source|volume-ids|wipe|write-guard|inventory|store|owner|engine-|locks)/.test(
        f,
      ),
    'test/agent/storage',
  ],
  ['test/agent', any, 'test/agent'],

  // test/ mirrors src/ (cross-cutting suites stay: integration, security, scale, fuzz, house, fixtures, helpers).
  ['test/engine-write', (f) => !f.endsWith('.test.ts'), 'test/engine/helpers'],
  ['test/engine-write', starts('repair', 'check-repair', 'discard-'), 'test/engine/repair'],
  ['test/engine-write', starts('bitmap-', 'host-offset', 'edit-', 'compress-'), 'test/engine/qcow2'],
  [
    'test/engine-write',
    starts('pipeline', 'copy-', 'memory-pin', 'reuse', 'failing-target', 'dirty'),
    'test/engine/copy',
  ],
  ['test/engine-write', any, 'test/engine/ops'],
  ['test/engine-diff', any, 'test/engine/diff'],
  ['test/engine', starts('codes', 'flavors', 'check-abort', 'load'), 'test/engine/core'],
  ['test/engine', starts('listing', 'check-bitmap'), 'test/engine/read'],
  ['test/engine', starts('source-watch'), 'test/engine/copy'],
  ['test/engine', starts('demo-image'), 'test/start'],
  ['test/engine', starts('fuzz-'), 'test/fuzz'],
  ['test/web', starts('map-', 'planned-', 'serial-queue'), 'test/worker'],
  ['test/web', starts('download-target'), 'test/io'],
  ['test/web', starts('login-token'), 'test/start'],
  ['test/web', starts('sse', 'plan-words'), 'test/web/gateway'],
  ['test/web', starts('streamed-blob'), 'test/worker'],
  ['test/web', starts('extent-buckets'), 'test/web/details'],
  ['test/web', starts('job-rate'), 'test/web/jobs'],
];

/** Files that only re-export a moved module: deleted, their importers pointed at the module itself. */
export const SHIMS = {
  'src/plan/job-states.ts': 'src/qmp/job-states.ts',
  'src/cli/verbs/info.ts': 'src/engine/info.ts',
  'src/cli/demo-image.ts': 'src/start/demo-image.ts',
};

/** Folders the move dissolves, as prose names them: where a reader should look instead. */
export const PROSE = {
  'src/engine/write/': 'src/engine/ops/',
};

const dirOf = (p) => p.slice(0, Math.max(0, p.lastIndexOf('/')));
const baseOf = (p) => p.slice(p.lastIndexOf('/') + 1);

export function place(path) {
  const dir = dirOf(path);
  const name = baseOf(path);
  for (const [from, test, to] of RULES) {
    if (dir === from && test(name)) return `${to}/${name}`;
  }
  if (REORGANISED.includes(dir) && /\.(ts|mjs|js)$/.test(name)) return undefined;
  return path;
}

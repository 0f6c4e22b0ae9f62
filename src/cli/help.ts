// `vdisk help [VERB]`, `vdisk VERB --help`: one table of every verb's summary, synopsis and options,
// written from each verb's parseArgs (test/cli/help.test.ts holds them to it). It imports nothing,
// so help costs no engine start-up.

type Opt = [flags: string, text: string];
interface VerbHelp {
  summary: string;
  usage: string;
  options: Opt[];
  notes?: string;
}

const fmt = (flags: string, what = 'image format', dflt = 'probed from the file'): Opt => [
  flags,
  `${what}: raw or qcow2 (default: ${dflt})`,
];
const PROBE: Opt = [
  '--probe-backing',
  'probe raw/qcow2 for a backing file whose format is not recorded\n(default: refused with E_BACKING_FORMAT_UNKNOWN)',
];
const PROGRESS: Opt = ['-p', 'print progress as qemu-img does ("    (12.34/100%)")'];
const OUTPUT: Opt = ['--output=human|json', 'output format (default: human)'];
const CREATE_OPTS: Opt = [
  '-o OPTS',
  'creation options k=v,... (repeatable): cluster_size, compat,\n' +
    'refcount_bits, extended_l2, lazy_refcounts, compression_type,\npreallocation=off|metadata, backing_file, backing_fmt, size',
];
const NEVER_PROBED = (flag: string): Opt => [
  '-F FMT',
  `format of the backing file, required with ${flag}\n(backing formats are never probed)`,
];
const SIZES = 'Sizes take k, M, G, T, P, E suffixes (powers of 1024).';
const ignored = (opts: string) => `Accepted for qemu-img compatibility and ignored: ${opts}.`;

export const HELP: Record<string, VerbHelp> = {
  info: {
    summary: 'describe an image (as qemu-img info)',
    usage: 'vdisk info [-f FMT] [--output=human|json] [--backing-chain] [--probe-backing] FILE',
    options: [
      fmt('-f, --format FMT'),
      OUTPUT,
      [
        '--backing-chain',
        'describe every layer of the backing chain\n(default: FILE alone, without opening its backing file)',
      ],
      PROBE,
    ],
  },
  map: {
    summary: 'list where guest data lives (as qemu-img map)',
    usage: 'vdisk map [-f FMT] [--output=human|json] [--probe-backing] FILE',
    options: [fmt('-f, --format FMT'), OUTPUT, PROBE],
  },
  compare: {
    summary: 'compare the guest-visible content of two images (as qemu-img compare)',
    usage: 'vdisk compare [-f FMT] [-F FMT] [--probe-backing] A B',
    options: [
      fmt('-f, --format FMT', 'format of A', 'probed'),
      fmt('-F, --second-format FMT', 'format of B', 'probed'),
      PROBE,
      ['--output', 'accepted; compare always prints text'],
    ],
    notes:
      'A larger image matches only if its extra bytes read as zeros.\nExit status: 0 identical, 1 different (the first mismatching offset is printed), 2 error.',
  },
  check: {
    summary: 'check a qcow2 image for leaks and corruptions, optionally repair it',
    usage: 'vdisk check [-f FMT] [--output=human|json] [-r leaks|all [-p]] [--probe-backing] FILE',
    options: [
      fmt('-f, --format FMT'),
      OUTPUT,
      [
        '-r, --repair leaks|all',
        'repair in place first: leaked clusters only, or all errors;\nthe report is that of the repaired image (Ctrl-C stops between steps)',
      ],
      ['-p, --progress', "print the repair's progress (on stderr with --output=json)"],
      PROBE,
    ],
    notes:
      'Exit status: 0 clean, 1 check or repair failed, 2 corruptions, 3 leaked clusters only,\n63 raw (no checks for this format).',
  },
  convert: {
    summary: 'copy images into a new raw or qcow2 image (as qemu-img convert)',
    usage:
      'vdisk convert [-f FMT] [-O FMT] [-o OPTS] [-B BACKING -F FMT] [-S SIZE] [-c]\n' +
      '       [-n [--target-is-zero]] [--target-size SIZE] [--bitmaps [--skip-broken-bitmaps]]\n' +
      '       [-p] [-t unsafe] [--force] [--no-offload] SRC... DST',
    options: [
      fmt('-f FMT', 'source format'),
      fmt('-O FMT', 'target format', 'raw'),
      CREATE_OPTS,
      ['-B BACKING', 'backing file of the new qcow2 image'],
      NEVER_PROBED('-B'),
      ['-S SIZE', 'leave zero runs of at least SIZE unallocated'],
      ['-c', 'compress clusters (qcow2)'],
      ['-n', 'write into an existing DST instead of creating it (no -o)'],
      ['--target-is-zero', 'with -n: DST already reads as zeros'],
      ['--target-size SIZE', 'make DST at least SIZE'],
      ['--bitmaps', 'copy persistent dirty bitmaps (qcow2 v3 target)'],
      ['--skip-broken-bitmaps', 'with --bitmaps: leave out inconsistent bitmaps instead of failing'],
      PROGRESS,
      ['-t unsafe', "skip the fdatasync before the rename (qemu-img's own behaviour)"],
      ['--force', 'replace an existing DST\n(default: refused with E_TARGET_EXISTS, unlike qemu-img)'],
      [
        '--no-offload',
        'always read and write; default: where DST shares extents with SRC\n(XFS with reflink, btrfs), the kernel copies (copy_file_range)',
      ],
      ['--chunk-size SIZE', 'copy chunk, 1M to 8M (default: 4M)'],
      ['--depth N', 'chunks in flight (default: 4); memory is chunk × depth'],
      PROBE,
    ],
    notes:
      'Several SRCs are concatenated. A new DST is written under a temporary name, fdatasynced (unless\n' +
      '-t unsafe) and renamed into place, so a failed or cancelled copy leaves no partial DST.\n' +
      `${SIZES}\n${ignored('-T, -W, -m, -q, and -t values other than unsafe')}`,
  },
  create: {
    summary: 'create a new raw or qcow2 image (as qemu-img create)',
    usage: 'vdisk create [-f FMT] [-o OPTS] [-b BACKING -F FMT] [-p] [--force] FILE [SIZE]',
    options: [
      fmt('-f FMT', 'image format', 'raw'),
      CREATE_OPTS,
      ['-b BACKING', 'backing file; SIZE defaults to its size'],
      NEVER_PROBED('-b'),
      ['-p', 'print progress of what is written; Ctrl-C leaves no file behind'],
      ['--force', 'replace an existing FILE\n(default: refused with E_TARGET_EXISTS, unlike qemu-img)'],
    ],
    notes: `${SIZES}\n${ignored('-q')}`,
  },
  measure: {
    summary: 'compute the size a new image needs (as qemu-img measure)',
    usage: 'vdisk measure [--output=human|json] [-O FMT] [-o OPTS] [--size SIZE | [-f FMT] FILE]',
    options: [
      fmt('-f FMT', 'format of FILE'),
      fmt('-O FMT', 'format to measure for', 'raw'),
      CREATE_OPTS,
      ['--size SIZE', 'measure a new empty image of SIZE instead of FILE'],
      OUTPUT,
      PROBE,
    ],
    notes: SIZES,
  },
  commit: {
    summary: "write an image's changes into its backing file (as qemu-img commit)",
    usage: 'vdisk commit [-f FMT] [-b BASE] [-d] [-p] [--probe-backing] FILE',
    options: [
      fmt('-f FMT'),
      ['-b BASE', 'commit into BASE, a layer of the chain (default: the backing file);\nimplies -d'],
      ['-d', "keep FILE's content (default: FILE is emptied after the commit)"],
      PROGRESS,
      PROBE,
    ],
    notes: ignored('-q, -t'),
  },
  rebase: {
    summary: "change an image's backing file (as qemu-img rebase)",
    usage: 'vdisk rebase [-f FMT] [-u] [-p] -b BACKING [-F FMT] [--probe-backing] FILE',
    options: [
      fmt('-f FMT'),
      ['-b BACKING', 'the new backing file; -b "" removes it'],
      ['-F FMT', 'format of BACKING, required unless -b ""\n(backing formats are never probed)'],
      [
        '-u',
        'unsafe: rewrite only the header\n(default: copy what differs into FILE, so the guest sees the same data)',
      ],
      PROGRESS,
      PROBE,
    ],
    notes: ignored('-q, -t, -T'),
  },
  resize: {
    summary: 'grow or shrink an image (as qemu-img resize)',
    usage: 'vdisk resize [-f FMT] [--shrink] [-p] [--probe-backing] FILE [+|-]SIZE',
    options: [fmt('-f FMT'), ['--shrink', 'allow the image to get smaller (required for any shrink)'], PROGRESS, PROBE],
    notes: `SIZE sets the size, +SIZE grows by SIZE, -SIZE shrinks by SIZE (with --shrink).\n${SIZES}\n${ignored('-q')}`,
  },
  start: {
    summary: 'run the whole system here: demo pool, agent, gateway, console',
    usage: 'vdisk start [--dir DIR] [--port N] [--no-vm] [--session-hours N]',
    options: [
      [
        '--dir DIR',
        'where the demo pool lives: new, empty, or one vdisk start made (default: a fresh private dir, removed at stop)',
      ],
      ['--port N', 'console port (default: 7480, or any free port)'],
      ['--no-vm', 'do not start the demo VM even where QEMU is installed'],
      ['--session-hours N', 'how long the console session a login link opens lasts (default: 12)'],
    ],
    notes: 'Prints a one-time login link for the console; Ctrl-C stops everything.',
  },
  plan: {
    summary: 'plan a move, clone, block-copy or snapshot from an inventory (runs nothing)',
    usage:
      'vdisk plan KIND --inventory FILE [KIND options] [--output=json|text] [--id-prefix P]\n' +
      '       vdisk plan --request FILE --inventory FILE [--output=json|text]\n       vdisk plan --schema[=plan|request|inventory]',
    options: [
      ['--inventory FILE', 'the inventory (JSON) to plan against'],
      ['--request FILE', 'a request (JSON) instead of KIND and its options'],
      ['--output=json|text', 'output format (default: text)'],
      ['--id-prefix P', 'ids for new volumes, nodes and jobs (default: unique per run)'],
      ['--schema[=WHICH]', 'print the JSON Schema of plans (default), requests or inventories'],
      ['move', '--volume ID --to-pool POOL [--shape flatten|keep-chain]\n[--verify none|metadata|full] [--wipe]'],
      [
        'clone',
        '--volume ID --to-pool POOL --name FILE [--format raw|qcow2]\n' +
          '[--capacity BYTES] [--shape flatten|shallow] [--owner USER] [--mode 0600]\n[--verify none|metadata|full]',
      ],
      [
        'block-copy',
        '--vm VM (--disk DISK (--dest PATH | --pool POOL --name FILE)\n' +
          '--flags FLAGS [--format F])... [--finish pivot|keep-copy]\nFLAGS: copy, shallow, reuse-ext, copy-raw, relative, joined by | or ,',
      ],
      ['snapshot', '--vm VM --name NAME [--disks vda,vdb]'],
      ['snapshot-delete', '--vm VM --snapshot ID [--mode snapshot|with-children|children-only]'],
    ],
    notes: 'Exit status: 0 planned, 1 refused (a stable code says why), 2 usage error.',
  },
  job: {
    summary: 'submit, watch, cancel and retry jobs through a gateway',
    usage:
      'vdisk job submit (--request FILE | --plan FILE) [--key KEY] --gateway URL --token-file FILE\n' +
      '       vdisk job status|cancel|retry ID | list [--limit N] | events ID [--last-event-id N]  (same --gateway, --token-file)',
    options: [
      ['--gateway URL', 'the gateway (default: $VDISK_GATEWAY)'],
      ['--token-file FILE', 'a private file (0600) holding the bearer token (default: $VDISK_TOKEN_FILE)'],
      ['--request FILE', 'submit a request (JSON; - for stdin): the agent plans and runs it'],
      ['--plan FILE', 'submit a plan as POST /v1/plans previewed it (the agent re-derives it: a stale one is refused)'],
      [
        '--key KEY',
        'the Idempotency-Key (default: random, printed with --output=json); reuse it to retry a submission safely',
      ],
      ['--limit N', 'jobs per agent on a list page'],
      ['--last-event-id N', 'resume events after this id'],
      ['--output=human|json', 'output format (default: human)'],
    ],
    notes:
      "events follows the job to its end (reconnecting with Last-Event-ID); exit 0 when it ended done, 1 otherwise.\nretry asks the job's agent to build and run the retry plan of its orphans and stuck steps.",
  },
  gateway: {
    summary: 'serve the HTTP API in front of one or more agents',
    usage:
      'vdisk gateway --agent NAME=URL,secret-file=FILE[,ca-file=FILE][,cert-file=FILE,key-file=FILE] [--agent ...]\n       --token-file FILE [--listen [HOST:]PORT] [--cors-origin ORIGIN ...] [--max-body BYTES]',
    options: [
      ['--agent NAME=URL,secret-file=FILE', 'an agent and the file holding its shared secret (repeatable; one needed)'],
      ['  ,ca-file=FILE', "trust the CA certificate(s) in FILE for this agent's https:// URL"],
      ['  ,cert-file=FILE,key-file=FILE', 'present this client certificate to the agent (for --tls-client-ca)'],
      ['--token-file FILE', 'one "read TOKEN NAME" or "write TOKEN NAME" per line (NAME: who holds it)'],
      ['--listen [HOST:]PORT', 'where to listen (default: 127.0.0.1:8080)'],
      ['--cors-origin ORIGIN', 'allow browser requests from ORIGIN (repeatable)'],
      ['--max-body BYTES', 'largest request body (default: 1048576)'],
    ],
  },
  agent: {
    summary: 'run the host agent: owns the image roots and VMs of this host',
    usage: 'vdisk agent --root NAME=DIR [--root ...] [--qmp VM=SOCKET ...] --secret-file FILE [options]',
    options: [
      ['--root NAME=DIR', 'a directory images may live in (repeatable; one needed)'],
      ['--qmp VM=SOCKET', 'a VM and its QMP socket (repeatable)'],
      [
        '--secret-file FILE',
        'the secret shared with the gateway (16 characters or more, mode 0600; twice while rotating)',
      ],
      ['--listen ADDR', 'HOST:PORT or unix:PATH (default: 127.0.0.1:7420)'],
      ['--name NAME', 'agent name (default: the host name)'],
      ['--state-dir DIR', 'the job journal (default: $XDG_STATE_HOME/vdisk-agent)'],
      ['--qmp-transcripts DIR', "record each VM's QMP exchanges in DIR/VM.jsonl"],
      ['--job-timeout-ms N', 'give up a job after N ms (default: 86400000)'],
      ['--heartbeat-ms N', 'job heartbeat interval (default: 15000)'],
      ['--inventory-ttl-ms N', 'GET /v1/inventory answers from the cache this long; jobs refresh it (default: 3000)'],
      ['--allow-owner root', "plans may give new files to root even when their source is not root's"],
      ['--max-streams N', 'concurrent job event streams (default: 128)'],
      ['--max-streams-per-caller N', 'the same per caller (default: 32)'],
      ['--keep-jobs N', 'finished jobs kept in the journal; older ones move to history.jsonl (default: 1000)'],
      ['--keep-jobs-days D', 'finished jobs older than D days move to history.jsonl (default: 30)'],
      ['--max-body BYTES', 'largest request body read (default: 4194304)'],
      ['--tls-cert FILE --tls-key FILE', 'serve HTTPS with this certificate and key (PEM)'],
      ['--tls-client-ca FILE', 'require client certificates signed by a CA in FILE'],
      ['--insecure-http', 'allow plain HTTP on a non-loopback address (warns; anyone on the path reads the traffic)'],
      [
        '--adopt VOLUME=FORMAT',
        "state a file's format (raw or qcow2; VOLUME is an id or POOL:relative/path), never probed again (repeatable)",
      ],
    ],
    notes: 'Unfinished jobs are recovered from the journal at start; logs are JSON lines on stderr.',
  },
};

const COL = 24;
const pad = `\n${' '.repeat(COL + 4)}`;
const row = ([flags, text]: Opt) =>
  `  ${flags.length > COL ? flags + pad : `${flags.padEnd(COL)}  `}${text.replaceAll('\n', pad)}`;

export function verbHelp(verb: string): string {
  const h = HELP[verb]!;
  const options = [...h.options, ['-h, --help', 'show this help'] as Opt].map(row).join('\n');
  return `usage: ${h.usage}\n\n${h.summary[0]!.toUpperCase()}${h.summary.slice(1)}.\n\noptions:\n${options}\n${h.notes ? `\n${h.notes}\n` : ''}`;
}

export function generalHelp(): string {
  const verbs = Object.entries(HELP)
    .map(([v, h]) => `  ${v.padEnd(10)}${h.summary}`)
    .join('\n');
  return (
    `usage: vdisk VERB [options] ARGS...\n       vdisk help VERB       (or vdisk VERB --help) the options of one verb\n       vdisk --version\n\n` +
    `verbs:\n${verbs}\n\nImages are raw or qcow2. A backing file opens in the format its image records; formats are never\n` +
    'probed unless --probe-backing is given. Every error is one line with a stable code (E_...).\n'
  );
}

// The options of the verbs that drive the system: start, plan, job.
import type { VerbSpec } from './row.js';

const str = (arg: string, help: string) => ({ type: 'string', arg, help }) as const;
/** A plan kind's option, described on its kind's row. */
const kindOpt = { type: 'string', shown: false } as const;

export const START = {
  summary: 'run the whole system here: demo pool, agent, gateway, console',
  usage: 'vdisk start [--dir DIR] [--port N] [--no-vm] [--session-hours N]',
  options: {
    dir: str(
      'DIR',
      'where the demo pool lives: new, empty, or one vdisk start made (default: a fresh private dir, removed at stop)',
    ),
    port: str('N', 'console port (default: 7480, or any free port)'),
    'no-vm': { type: 'boolean', default: false, help: 'do not start the demo VM even where QEMU is installed' },
    'session-hours': str('N', 'how long the console session a login link opens lasts (default: 12)'),
  },
  notes: 'Prints a one-time login link for the console; Ctrl-C stops everything.',
} as const satisfies VerbSpec;

export const PLAN = {
  summary: 'plan a move, clone, block-copy or snapshot from an inventory (runs nothing)',
  usage:
    'vdisk plan KIND --inventory FILE [KIND options] [--output=json|text] [--id-prefix P]\n' +
    '       vdisk plan --request FILE --inventory FILE [--output=json|text]\n       vdisk plan --schema[=plan|request|inventory]',
  options: {
    inventory: str('FILE', 'the inventory (JSON) to plan against'),
    request: str('FILE', 'a request (JSON) instead of KIND and its options'),
    output: { ...str('=json|text', 'output format (default: text)'), default: 'text' },
    'id-prefix': str('P', 'ids for new volumes, nodes and jobs (default: unique per run)'),
    schema: {
      type: 'string',
      arg: '[=WHICH]',
      help: 'print the JSON Schema of plans (default), requests or inventories',
    },
    volume: kindOpt,
    'to-pool': kindOpt,
    shape: kindOpt,
    verify: kindOpt,
    wipe: { type: 'boolean', shown: false },
    method: kindOpt,
    name: kindOpt,
    format: kindOpt,
    capacity: kindOpt,
    owner: kindOpt,
    mode: kindOpt,
    vm: kindOpt,
    disk: kindOpt,
    dest: kindOpt,
    pool: kindOpt,
    flags: kindOpt,
    finish: kindOpt,
    disks: kindOpt,
    snapshot: kindOpt,
  },
  rows: [
    [
      'move',
      '--volume ID --to-pool POOL [--shape flatten|keep-chain]\n[--verify none|metadata|full] [--wipe] [--method auto|copy]\n' +
        'auto (default): an offline move within one file system renames the files\n(no copy, no space);' +
        ' copy: always copy, verify and delete the source',
    ],
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
} as const satisfies VerbSpec;

export const JOB = {
  summary: 'submit, watch, cancel and retry jobs through a gateway',
  usage:
    'vdisk job submit (--request FILE | --plan FILE) [--key KEY] --gateway URL --token-file FILE\n' +
    '       vdisk job status|cancel|retry ID | list [--limit N] | events ID [--last-event-id N]  (same --gateway, --token-file)',
  options: {
    gateway: str('URL', 'the gateway (default: $VDISK_GATEWAY)'),
    'token-file': str('FILE', 'a private file (0600) holding the bearer token (default: $VDISK_TOKEN_FILE)'),
    request: str('FILE', 'submit a request (JSON; - for stdin): the agent plans and runs it'),
    plan: str('FILE', 'submit a plan as POST /v1/plans previewed it (the agent re-derives it: a stale one is refused)'),
    key: str(
      'KEY',
      'the Idempotency-Key (default: random, printed with --output=json); reuse it to retry a submission safely',
    ),
    limit: str('N', 'jobs per agent on a list page'),
    'last-event-id': str('N', 'resume events after this id'),
    output: { ...str('=human|json', 'output format (default: human)'), default: 'human' },
  },
  notes:
    "events follows the job to its end (reconnecting with Last-Event-ID); exit 0 when it ended done, 1 otherwise.\nretry asks the job's agent to build and run the retry plan of its orphans and stuck steps.",
} as const satisfies VerbSpec;

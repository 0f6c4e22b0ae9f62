// QEMU's answers to the queries the agent sends, compared with the simulator's QEMU model: which
// jobs exist (id, type, failed), which node each guest device runs on, which named nodes exist with
// their driver, file and read-only flag, and the file/backing edges between named nodes. Fields
// the model does not hold are left out on purpose (docs/qmp.md, "Replay"): byte counts and
// progress, image sizes and format details, implicit filter nodes (#blockN) and permissions.
import type { SimQemu } from '../../../src/plan/sim/world.js';

type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);
const sorted = (xs: string[]) => [...xs].sort();

/** The differences between QEMU's reply and the model for one query; [] when they agree. */
export function compareQuery(execute: string, real: unknown, q: SimQemu, seenStatus: Map<string, string>): string[] {
  const want = QUERIES[execute];
  if (!want) return [];
  const [fromQemu, fromModel] = want(real, q, seenStatus);
  return JSON.stringify(fromQemu) === JSON.stringify(fromModel)
    ? []
    : [`${execute}: QEMU answered ${JSON.stringify(fromQemu)}, the model holds ${JSON.stringify(fromModel)}`];
}

/** The commands that only read: their replies are compared, nothing is applied to the model. */
export const isQuery = (execute: string): boolean =>
  execute.startsWith('query-') || execute.startsWith('x-debug-query-');

const QUERIES: Record<string, (real: unknown, q: SimQemu, seen: Map<string, string>) => [unknown, unknown]> = {
  // The status is compared with the last JOB_STATUS_CHANGE QEMU sent for the job, which the replay
  // matched against the model's own events: QEMU may run behind the model (the model's blockdev-create
  // ends at once), never elsewhere.
  'query-jobs': (real, q, seen) => [
    sorted(list(real).map((j) => `${String(j.id)} ${String(j.type)} ${String(j.status)}${j.error ? ' failed' : ''}`)),
    sorted(
      [...q.jobs.values()].map((j) => `${j.id} ${j.type} ${seen.get(j.id) ?? j.status}${j.failed ? ' failed' : ''}`),
    ),
  ],
  'query-block': (real, q) => [
    Object.fromEntries(
      list(real)
        .map((b) => [
          /peripheral\/([^/]+)\//.exec(String(b.qdev))?.[1] ?? String(b.device),
          (b.inserted as Obj | undefined)?.['node-name'],
        ])
        .sort(),
    ),
    Object.fromEntries([...q.devices].sort()),
  ],
  'query-named-block-nodes': (real, q) => [
    sorted(
      list(real)
        .filter((n) => !String(n['node-name']).startsWith('#'))
        .map((n) =>
          nodeLine(
            String(n['node-name']),
            String(n.drv),
            n.drv === 'file' ? String(n.file) : '',
            n.drv === 'file' ? undefined : n.ro === true,
          ),
        ),
    ),
    sorted(
      [...q.nodes].map(([name, n]) =>
        nodeLine(name, n.driver, n.path ?? '', n.driver === 'file' ? undefined : n.readOnly),
      ),
    ),
  ],
  'x-debug-query-block-graph': (real, q) => {
    const g = real as { nodes: Obj[]; edges: Obj[] };
    const name = new Map(
      g.nodes
        .filter((n) => n.type === 'block-driver' && !String(n.name).startsWith('#'))
        .map((n) => [n.id, String(n.name)]),
    );
    const edges = g.edges.filter(
      (e) => (e.name === 'file' || e.name === 'backing') && name.has(e.parent) && name.has(e.child),
    );
    return [
      sorted(edges.map((e) => `${name.get(e.parent)!} -${String(e.name)}-> ${name.get(e.child)!}`)),
      sorted(
        [...q.nodes].flatMap(([n, v]) => [
          ...(v.file ? [`${n} -file-> ${v.file}`] : []),
          ...(v.backing ? [`${n} -backing-> ${v.backing}`] : []),
        ]),
      ),
    ];
  },
};

const nodeLine = (name: string, drv: string, file: string, ro: boolean | undefined) =>
  `${name} ${drv}${file ? ` ${file}` : ''}${ro === undefined ? '' : ro ? ' ro' : ' rw'}`;

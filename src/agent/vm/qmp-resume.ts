// After a crash the agent re-runs the step that was in flight. Each QMP command of the step's script
// is skipped when QEMU's state shows it already took effect, so the re-run is idempotent: a table,
// one rule per command, read against query-jobs and the block graph just before the command.
import type { QmpClient } from '../../qmp/client.js';
import { queryNamedBlockNodes } from '../../qmp/blockdev.js';
import { queryJobs } from '../../qmp/jobs.js';
import type { JobInfo } from '../../qmp/types.js';
import type { QmpOp, QmpSend } from '../../plan/qmp-map.js';

interface Live {
  jobs: JobInfo[];
  nodes: Set<string>;
  backingOf: Map<string, string>;
}

type Rule = (op: QmpSend, live: Live, script: QmpOp[], index: number) => boolean;

const job = (live: Live, id: unknown) => live.jobs.find((j) => j.id === id);
const status = (live: Live, id: unknown) => job(live, id)?.status;

/** The node the next blockdev-add of the script creates (what a blockdev-create leads to). */
function nextNode(script: QmpOp[], index: number): string | undefined {
  const add = script.slice(index + 1).find((o): o is QmpSend => o.op === 'send' && o.execute === 'blockdev-add');
  return add?.arguments['node-name'] as string | undefined;
}

export const DONE_WHEN: Readonly<Record<string, Rule>> = {
  'blockdev-add': (op, live) => live.nodes.has(op.arguments['node-name'] as string),
  'blockdev-create': (op, live, script, i) =>
    !!job(live, op.arguments['job-id']) || live.nodes.has(nextNode(script, i) ?? '\0'),
  'blockdev-mirror': (op, live) => !!job(live, op.arguments['job-id']),
  'block-commit': (op, live) => !!job(live, op.arguments['job-id']),
  'job-complete': (op, live) => !['ready', 'standby'].includes(status(live, op.arguments.id) ?? 'ready'),
  'block-job-cancel': (op, live) =>
    op.arguments.force !== true && !['ready', 'standby'].includes(status(live, op.arguments.device) ?? 'ready'),
  'job-finalize': (op, live) => status(live, op.arguments.id) === 'concluded',
  'job-dismiss': (op, live) => !job(live, op.arguments.id),
  transaction: (op, live) =>
    (op.arguments.actions as { data: { node: string; overlay: string } }[]).every(
      (a) => live.backingOf.get(a.data.overlay) === a.data.node,
    ),
};

/** True when a resumed step should not send `op` again. */
export async function alreadyDone(qmp: QmpClient, script: QmpOp[], index: number): Promise<boolean> {
  const op = script[index]!;
  if (op.op === 'await') {
    // A job that concluded cleanly has passed every state a step waits for before its end.
    const j = (await queryJobs(qmp)).find((x) => x.id === op.job);
    return !!j && j.status === 'concluded' && !j.error && op.status !== 'concluded';
  }
  const rule = DONE_WHEN[op.execute];
  if (!rule) return false;
  return rule(op, await liveState(qmp, op.execute === 'transaction'), script, index);
}

async function liveState(qmp: QmpClient, withGraph: boolean): Promise<Live> {
  const [jobs, nodes] = await Promise.all([queryJobs(qmp), queryNamedBlockNodes(qmp)]);
  const backingOf = new Map<string, string>();
  if (withGraph) {
    const g = await qmp.execute<{
      nodes: { id: number; name: string }[];
      edges: { parent: number; child: number; name: string }[];
    }>('x-debug-query-block-graph');
    const name = new Map(g.nodes.map((n) => [n.id, n.name]));
    for (const e of g.edges) if (e.name === 'backing') backingOf.set(name.get(e.parent)!, name.get(e.child)!);
  }
  return { jobs, nodes: new Set(nodes.map((n) => n['node-name'])), backingOf };
}

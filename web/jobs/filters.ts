// The jobs view's filters: state, agent, volume (by `pool:file`) and VM, from the inventory. A job
// matches a volume or VM when its request names it.
import { h } from '../dom.js';
import type { InventoryAnswer, JobStatus } from '../gateway/client.js';
import { JOB_STATES } from '../../src/plan/job-lifecycle.js';
import { volumeName } from '../names.js';

export interface JobFilter {
  state?: string;
  agent?: string;
  volume?: string;
  vm?: string;
}

const select = (
  id: string,
  all: string,
  options: [string, string][],
  value: string | undefined,
  onChange: (v: string) => void,
) => {
  const s = h(
    'select',
    { id },
    h('option', { value: '' }, all),
    ...options.map(([v, t]) => h('option', { value: v, selected: v === value }, t)),
  );
  s.addEventListener('change', () => onChange(s.value));
  return s;
};

export function jobFilters(
  ans: InventoryAnswer,
  f: JobFilter,
  set: (f: JobFilter) => void,
): { label: string; control: HTMLSelectElement }[] {
  const change = (k: keyof JobFilter) => (v: string) => set({ ...f, [k]: v || undefined });
  const inv = ans.inventory;
  return [
    {
      label: 'State',
      control: select(
        'jobs-state',
        'Any state',
        JOB_STATES.map((s) => [s, s]),
        f.state,
        change('state'),
      ),
    },
    {
      label: 'Agent',
      control: select(
        'jobs-agent',
        'Any agent',
        ans.agents.map((a) => [a.name, a.name]),
        f.agent,
        change('agent'),
      ),
    },
    {
      label: 'Volume',
      control: select(
        'jobs-volume',
        'Any volume',
        inv.volumes.map((v) => [v.id, volumeName(v)]),
        f.volume,
        change('volume'),
      ),
    },
    {
      label: 'VM',
      control: select(
        'jobs-vm',
        'Any VM',
        inv.vms.map((v) => [v.id, v.id]),
        f.vm,
        change('vm'),
      ),
    },
  ];
}

/** The volumes and VM a job's request names. */
export function jobSubjects(j: Pick<JobStatus, 'request'>): { volumes: string[]; vm?: string } {
  const r = j.request as { volume?: string; vm?: string } | undefined;
  return { volumes: r?.volume ? [r.volume] : [], ...(r?.vm && { vm: r.vm }) };
}

export function jobMatches(j: JobStatus, f: JobFilter): boolean {
  const s = jobSubjects(j);
  return (
    (!f.state || j.state === f.state) &&
    (!f.agent || j.agent === f.agent) &&
    (!f.volume || s.volumes.includes(f.volume)) &&
    (!f.vm || s.vm === f.vm)
  );
}

/** What a job does, in a few words, with `pool:file` names (the plan's summary carries host paths). */
export function jobWhat(j: Pick<JobStatus, 'request' | 'kind'>, inv: InventoryAnswer['inventory'] | undefined): string {
  const r = j.request as
    | {
        kind?: string;
        volume?: string;
        toPool?: string;
        name?: string;
        vm?: string;
        snapshot?: string;
        disks?: { disk: string; pool?: string }[];
      }
    | undefined;
  const name = (id: string) => {
    const v = inv?.volumes.find((x) => x.id === id);
    return v ? volumeName(v) : id;
  };
  switch (r?.kind) {
    case 'move':
      return `move ${name(r.volume!)} to ${r.toPool}`;
    case 'clone':
      return `clone ${name(r.volume!)} to ${r.toPool}${r.name ? `:${r.name}` : ''}`;
    case 'block-copy':
      return `copy VM ${r.vm} ${r.disks?.map((d) => d.disk).join(', ')} live${r.disks?.[0]?.pool ? ` to ${r.disks[0].pool}` : ''}`;
    case 'snapshot':
      return `snapshot VM ${r.vm}${r.name ? ` as ${r.name}` : ''}`;
    case 'snapshot-delete':
      return `delete snapshot ${r.snapshot} of VM ${r.vm}`;
    default:
      return j.kind;
  }
}

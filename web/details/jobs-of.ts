// The jobs that touched a volume or a VM (their request names it), newest first, from the gateway's
// job list (first page of every agent).
import { h } from '../dom.js';
import { when } from '../format.js';
import type { GatewayClient, InventoryAnswer, JobStatus } from '../gateway/client.js';
import { jobSubjects, jobWhat } from '../jobs/filters.js';
import { ENDED } from '../jobs/columns.js';

export async function jobsOf(
  gw: GatewayClient,
  match: { volume?: string; vm?: string },
  onlyLive = false,
): Promise<JobStatus[]> {
  const page = await gw.jobs(undefined, 100);
  return (page.jobs as JobStatus[]).filter((j) => {
    const s = jobSubjects(j);
    return (
      (!match.volume || s.volumes.includes(match.volume)) &&
      (!match.vm || s.vm === match.vm) &&
      (!onlyLive || !ENDED.has(j.state))
    );
  });
}

export function jobList(id: string, jobs: JobStatus[], empty: string, inv?: InventoryAnswer['inventory']): HTMLElement {
  if (!jobs.length) return h('p', { id, class: 'pf-v6-c-empty-state pf-m-xs' }, empty);
  return h(
    'ul',
    { id, class: 'job-list' },
    ...jobs.map((j) =>
      h(
        'li',
        {},
        h('strong', {}, j.state),
        ` ${Math.round(j.progress * 100)} % — ${jobWhat(j, inv)} `,
        h('span', { class: 'muted' }, `(${j.id}, ${when(j.createdAt)}${j.startedBy ? `, by ${j.startedBy}` : ''})`),
      ),
    ),
  );
}

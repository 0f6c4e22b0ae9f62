// A VM: its state, its disks with each disk's backing chain drawn as layers, and its live jobs.
import { h } from '../dom.js';
import type { Connection } from '../gateway/connection.js';
import { chainOf, nameOf } from '../names.js';
import { chainLayers } from './chain.js';
import { jobList, jobsOf } from './jobs-of.js';

export function vmDetail(c: Connection, id: string): HTMLElement | undefined {
  const inv = c.inventory.inventory;
  const m = inv.vms.find((x) => x.id === id);
  if (!m) return undefined;
  const jobs = h('div', { id: 'vm-jobs' }, h('p', { role: 'status' }, 'Loading jobs…'));
  void jobsOf(c.gw, { vm: id }, true)
    .then((list) => jobs.replaceChildren(jobList('vm-job-list', list, 'No job is running on this VM.', inv)))
    .catch((e) => jobs.replaceChildren(h('p', {}, `Jobs unavailable: ${(e as Error).message}`)));
  const snaps = inv.snapshots.filter((s) => s.vm === id);
  return h(
    'div',
    { id: 'vm-detail' },
    h(
      'p',
      {},
      `${m.running ? 'Running' : 'Shut off'}, ${m.disks.length} disk(s)${snaps.length ? `, ${snaps.length} snapshot(s): ${snaps.map((s) => s.id).join(', ')}` : ''}.`,
    ),
    ...m.disks.map((d) =>
      h(
        'section',
        { class: 'disk', 'aria-labelledby': `h-disk-${d.target}` },
        h('h3', { id: `h-disk-${d.target}` }, `Disk ${d.target}: ${nameOf(inv, d.volume)}`),
        chainLayers(chainOf(inv, d.volume), `Chain of disk ${d.target}, top first`),
      ),
    ),
    h('h3', {}, 'Live jobs'),
    jobs,
  );
}

// A volume: where it is, its chain, a cluster map picture from the agent's extents (guest view:
// data, zero, unallocated), the snapshots that name it, and the jobs that touched it.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { Connection } from '../gateway/connection.js';
import { agentOfPool } from '../gateway/connection.js';
import { chainOf, volumeName } from '../names.js';
import { chainLayers } from './chain.js';
import { jobList, jobsOf } from './jobs-of.js';
import { bucketExtents, type Extent } from './extent-buckets.js';

const COLORS = { data: '#1f6feb', zero: '#8fbcf0', hole: '#e5e7eb' } as const;
const SLICES = 256;

export function volumeDetail(c: Connection, id: string): HTMLElement | undefined {
  const inv = c.inventory.inventory;
  const v = inv.volumes.find((x) => x.id === id);
  if (!v) return undefined;
  const agent = agentOfPool(c.inventory, v.pool);
  const map = h('div', { id: 'volume-map' }, h('p', { role: 'status' }, 'Reading extents…'));
  if (agent)
    void c.gw
      .extents(agent, v.id)
      .then((ex) => map.replaceChildren(...mapPicture(ex as Extent[], v.virtualSize)))
      .catch((e) => map.replaceChildren(h('p', {}, `Map unavailable: ${(e as Error).message}`)));
  const jobs = h('div', { id: 'volume-jobs' }, h('p', { role: 'status' }, 'Loading jobs…'));
  void jobsOf(c.gw, { volume: id })
    .then((list) => jobs.replaceChildren(jobList('volume-job-list', list, 'No job has touched this volume.', inv)))
    .catch((e) => jobs.replaceChildren(h('p', {}, `Jobs unavailable: ${(e as Error).message}`)));
  const snaps = inv.snapshots.filter((s) => s.disks.some((d) => d.layer === id));
  const disks = inv.vms.flatMap((m) =>
    m.disks.filter((d) => chainOf(inv, d.volume).some((x) => x.id === id)).map((d) => `${m.id} ${d.target}`),
  );
  return h(
    'div',
    { id: 'volume-detail' },
    h(
      'dl',
      { class: 'info' },
      h('dt', {}, 'Format'),
      h('dd', {}, v.format),
      h('dt', {}, 'Size'),
      h('dd', {}, `${bytes(v.virtualSize)} (${bytes(v.allocated)} on disk)`),
      h('dt', {}, 'Used by'),
      h('dd', {}, disks.length ? disks.join(', ') : 'no VM'),
      h('dt', {}, 'State'),
      h('dd', {}, v.state),
      h('dt', {}, 'Id'),
      h('dd', {}, h('code', {}, v.id)),
    ),
    h('h3', {}, 'Chain'),
    chainLayers(chainOf(inv, id), `Chain of ${volumeName(v)}, top first`),
    h('h3', {}, 'Cluster map (guest view)'),
    map,
    h('h3', {}, 'Snapshots'),
    snaps.length
      ? h(
          'ul',
          { id: 'volume-snapshots' },
          ...snaps.map((s) => h('li', {}, `${s.id} of VM ${s.vm}${s.current ? ' (current)' : ''}`)),
        )
      : h('p', { id: 'volume-snapshots' }, 'No snapshot names this volume.'),
    h('h3', {}, 'Jobs'),
    jobs,
  );
}

function mapPicture(extents: Extent[], size: number): Node[] {
  const b = bucketExtents(extents, size, SLICES);
  const canvas = h('canvas', {
    id: 'volume-map-canvas',
    width: SLICES * 2,
    height: 24,
    role: 'img',
    'aria-label': `Map of ${SLICES} slices: ${bytes(b.totals.data)} data, ${bytes(b.totals.zero)} zero, ${bytes(b.totals.hole)} unallocated`,
  });
  const g = canvas.getContext('2d');
  b.slices.forEach((s, i) => {
    if (!g) return;
    let y = 0;
    const all = s.data + s.zero + s.hole || 1;
    for (const k of ['data', 'zero', 'hole'] as const) {
      const hgt = Math.round((s[k] / all) * 24);
      g.fillStyle = COLORS[k];
      g.fillRect(i * 2, y, 2, hgt);
      y += hgt;
    }
  });
  canvas.dataset.drawn = 'true';
  return [
    h('div', { class: 'canvas-wrap' }, canvas),
    h(
      'ul',
      { class: 'legend', id: 'volume-map-totals' },
      ...(['data', 'zero', 'hole'] as const).map((k) =>
        h(
          'li',
          {},
          h('span', { class: 'swatch', style: `background:${COLORS[k]}` }),
          ` ${k === 'hole' ? 'unallocated' : k}: ${bytes(b.totals[k])}`,
        ),
      ),
    ),
  ];
}

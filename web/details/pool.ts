// A pool: capacity, free and used space, and its volumes (each `pool:file`, linking to its view).
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { Connection } from '../gateway/connection.js';
import { agentOfPool } from '../gateway/connection.js';
import { volumeName } from '../names.js';
import { link } from '../gateway/inventory-view.js';

export function poolDetail(c: Connection, id: string): HTMLElement | undefined {
  const inv = c.inventory.inventory;
  const p = inv.pools.find((x) => x.id === id);
  if (!p) return undefined;
  const vols = inv.volumes.filter((v) => v.pool === id).sort((a, b) => volumeName(a).localeCompare(volumeName(b)));
  const used = Math.max(0, p.capacity - p.free);
  return h(
    'div',
    { id: 'pool-detail' },
    h(
      'dl',
      { class: 'info' },
      h('dt', {}, 'Host'),
      h('dd', {}, `${p.host} (agent ${agentOfPool(c.inventory, id) ?? 'unknown'})`),
      h('dt', {}, 'Capacity'),
      h('dd', {}, bytes(p.capacity)),
      h('dt', {}, 'Free'),
      h('dd', { id: 'pool-free' }, bytes(p.free)),
      h('dt', {}, 'Used'),
      h(
        'dd',
        {},
        h('meter', { min: 0, max: p.capacity || 1, value: used, 'aria-label': `Used space of ${id}` }),
        ` ${bytes(used)}`,
      ),
    ),
    h('h3', {}, `Volumes (${vols.length})`),
    vols.length
      ? h(
          'ul',
          { id: 'pool-volumes' },
          ...vols.map((v) =>
            h(
              'li',
              {},
              link('volume', v.id, volumeName(v)),
              ` — ${v.format}, ${bytes(v.virtualSize)}, ${bytes(v.allocated)} on disk`,
            ),
          ),
        )
      : h('p', { class: 'pf-v6-c-empty-state pf-m-xs' }, 'No volumes in this pool.'),
  );
}

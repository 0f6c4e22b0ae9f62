// Agents, pools, volumes and VMs of every agent as sortable tables, each volume as `pool:file`,
// each pool, VM and volume linking to its detail view (#pool/ID, #vm/ID, #volume/ID). A volume can be
// opened in the Images view through the gateway's range relay.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { InventoryAnswer } from './client.js';
import type { Volume } from '../../src/plan/inventory.js';
import { agentOfPool } from './connection.js';
import { nameOf, volumeName } from '../names.js';
import { sortTable } from '../ui/table.js';

/** The agent that serves a volume's host. */
export function agentOf(ans: InventoryAnswer, v: Volume): string | undefined {
  return agentOfPool(ans, v.pool);
}

export const link = (kind: 'pool' | 'vm' | 'volume', id: string, text: string) =>
  h('a', { href: `#${kind}/${encodeURIComponent(id)}` }, text);

export function inventoryView(ans: InventoryAnswer, openVolume: (v: Volume) => void): HTMLElement {
  const inv = ans.inventory;
  const agents = sortTable<InventoryAnswer['agents'][number]>(
    'agents-table',
    'Agents',
    [
      { label: 'Agent', sort: (a) => a.name, cell: (a) => a.name },
      { label: 'State', sort: (a) => String(a.up), cell: (a) => (a.up ? 'up' : `down: ${a.error?.code ?? ''}`) },
      { label: 'Hosts', cell: (a) => a.hosts.join(', ') },
    ],
    'No agents.',
  );
  const pools = sortTable<(typeof inv.pools)[number]>(
    'pools-table',
    'Pools',
    [
      { label: 'Pool', sort: (p) => p.id, cell: (p) => link('pool', p.id, p.id) },
      { label: 'Host', sort: (p) => p.host, cell: (p) => p.host },
      { label: 'Free', sort: (p) => p.free, cell: (p) => bytes(p.free) },
      { label: 'Capacity', sort: (p) => p.capacity, cell: (p) => bytes(p.capacity) },
      {
        label: 'Volumes',
        sort: (p) => inv.volumes.filter((v) => v.pool === p.id).length,
        cell: (p) => String(inv.volumes.filter((v) => v.pool === p.id).length),
      },
    ],
    'No pools.',
  );
  const volumes = sortTable<Volume>(
    'volumes-table',
    'Volumes',
    [
      { label: 'Volume', sort: (v) => volumeName(v), cell: (v) => link('volume', v.id, volumeName(v)) },
      { label: 'Format', sort: (v) => v.format, cell: (v) => v.format },
      { label: 'Size', sort: (v) => v.virtualSize, cell: (v) => bytes(v.virtualSize) },
      { label: 'On disk', sort: (v) => v.allocated, cell: (v) => bytes(v.allocated) },
      {
        label: 'Backing',
        sort: (v) => (v.backing ? nameOf(inv, v.backing) : ''),
        cell: (v) => (v.backing ? nameOf(inv, v.backing) : '—'),
      },
      {
        label: 'Actions',
        cell: (v) =>
          h(
            'button',
            {
              type: 'button',
              class: 'pf-v6-c-button pf-m-secondary pf-m-small',
              'aria-label': `Inspect ${volumeName(v)}`,
              onclick: () => openVolume(v),
            },
            'Inspect',
          ),
      },
    ],
    'No volumes.',
  );
  const vms = sortTable<(typeof inv.vms)[number]>(
    'vms-table',
    'VMs',
    [
      { label: 'VM', sort: (m) => m.id, cell: (m) => link('vm', m.id, m.id) },
      { label: 'State', sort: (m) => String(m.running), cell: (m) => (m.running ? 'running' : 'shut off') },
      { label: 'Disks', cell: (m) => m.disks.map((d) => `${d.target}: ${nameOf(inv, d.volume)}`).join(', ') },
    ],
    'No VMs.',
  );
  agents.set(ans.agents);
  pools.set(inv.pools);
  volumes.set(inv.volumes);
  vms.set(inv.vms);
  volumes.sortBy('Volume');
  const scroll = (t: HTMLElement, label: string) =>
    h('div', { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': label }, t);
  return h(
    'div',
    { id: 'inventory' },
    scroll(agents.el, 'Agents table'),
    scroll(pools.el, 'Pools table'),
    scroll(volumes.el, 'Volumes table'),
    scroll(vms.el, 'VMs table'),
  );
}

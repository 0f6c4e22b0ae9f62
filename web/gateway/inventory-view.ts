// Pools, volumes and VMs of every agent as tables; each volume can be opened in the Images view
// through the gateway's range relay.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { InventoryAnswer } from './client.js';
import type { Volume } from '../../src/plan/inventory.js';

function table(caption: string, head: string[], rows: (string | Node)[][]): HTMLTableElement {
  return h('table', {},
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, ...(rows.length ? rows : [[`none`]]).map((r) => h('tr', {}, ...r.map((c) => h('td', {}, c))))));
}

/** The agent that serves a volume's host. */
export function agentOf(ans: InventoryAnswer, v: Volume): string | undefined {
  const host = ans.inventory.pools.find((p) => p.id === v.pool)?.host;
  return ans.agents.find((a) => host !== undefined && a.hosts.includes(host))?.name;
}

export function inventoryView(ans: InventoryAnswer, openVolume: (v: Volume) => void): HTMLElement {
  const inv = ans.inventory;
  return h('div', { id: 'inventory' },
    table('Agents', ['Agent', 'State', 'Hosts'], ans.agents.map((a) => [a.name, a.up ? 'up' : `down: ${a.error?.code ?? ''}`, a.hosts.join(', ')])),
    table('Pools', ['Pool', 'Host', 'Root', 'Free'], inv.pools.map((p) => [p.id, p.host, p.root, bytes(p.free)])),
    table('Volumes', ['Volume', 'File', 'Pool', 'Format', 'Size', 'Backing', 'Actions'], inv.volumes.map((v) => [
      v.id, v.path.slice(v.path.lastIndexOf('/') + 1), v.pool, v.format, bytes(v.virtualSize), v.backing ?? '—',
      h('button', { type: 'button', 'aria-label': `Inspect ${v.id}`, onclick: () => openVolume(v) }, 'Inspect')])),
    table('VMs', ['VM', 'State', 'Disks (target: volume)'], inv.vms.map((m) => [m.id, m.running ? 'running' : 'shut off', m.disks.map((d) => `${d.target}: ${d.volume}`).join(', ')])));
}

// The Gateway view: connect (URL and token), see pools, volumes and VMs, pick an operation, preview
// its plan as readable steps, run it and watch it live.
import { h, fill, field } from '../dom.js';
import type { App } from '../app.js';
import { GatewayClient, type InventoryAnswer, type PlanPreview } from './client.js';
import { inventoryView, agentOf } from './inventory-view.js';
import { operationForm, type OperationForm } from './operation-form.js';
import { jobView } from './job-view.js';
import { store, session } from '../store.js';
import { errorBox, showError, clearError } from '../errors.js';
import type { Volume } from '../../src/plan/inventory.js';
import type { ImageRef } from '../../worker/types.js';

export interface GatewayView { connect(url: string, token: string): Promise<void> }

export function gatewayView(app: App, root: HTMLElement, openImage: (ref: ImageRef, label: string) => void): GatewayView {
  const errors = errorBox('gateway-error');
  const url = h('input', { id: 'gw-url', type: 'url', value: app.config.gateway ?? location.origin, required: true });
  const token = h('input', { id: 'gw-token', type: 'password', autocomplete: 'off', required: true });
  const connected = h('p', { id: 'gw-status', role: 'status' }, 'Not connected.');
  const body = h('div', { id: 'gw-body' });
  let gw: GatewayClient | undefined;
  let form: OperationForm | undefined;
  let preview: PlanPreview | undefined;

  const openVolume = (ans: InventoryAnswer) => (v: Volume) => {
    const agent = agentOf(ans, v);
    if (!gw || !agent) return;
    // The gate resolves each name a layer records to the URL of the volume the inventory says it is.
    const backing: Record<string, { url: string; extentsUrl?: string }> = {};
    for (let cur: Volume | undefined = v; cur?.backing; ) {
      const next = ans.inventory.volumes.find((x) => x.id === cur!.backing);
      const a = next && agentOf(ans, next);
      if (!next || !a) break;
      backing[cur.backingName ?? next.path] = { url: gw.volumeUrls(a, next.id).url };
      cur = next;
    }
    openImage({ kind: 'url', url: gw.volumeUrls(agent, v.id).url, name: v.path, headers: gw.headers, backing }, v.path);
  };

  const planBox = h('div', { id: 'plan-box' });
  const jobBox = h('div', { id: 'job-box' });
  const invBox = h('div', {});
  const formBox = h('div', {});

  /** Inventory tables and the operation form, from a fresh answer (after connect and after each job). */
  const showInventory = (ans: InventoryAnswer) => {
    form = operationForm(ans.inventory, app.config.liveOps?.available === false ? app.config.liveOps.reason : undefined);
    fill(invBox, inventoryView(ans, openVolume(ans)));
    fill(formBox, form.el);
  };
  const refresh = async () => {
    if (!gw) return;
    try { showInventory(await gw.inventory()); } catch (e) { showError(errors, e); }
  };
  const previewPlan = async (e: Event) => {
    e.preventDefault();
    if (!gw || !form) return;
    clearError(errors);
    fill(planBox, h('p', { role: 'status' }, 'Planning…'));
    try {
      preview = await gw.plan(form.request());
      fill(planBox, h('h3', { id: 'h-plan' }, 'Plan'), h('p', {}, preview.plan.summary, ` (runs on agent ${preview.agent})`),
        h('pre', { id: 'plan-text', tabindex: '0', 'aria-labelledby': 'h-plan' }, preview.text),
        h('button', { type: 'button', id: 'plan-run', onclick: () => preview && gw && fill(jobBox, jobView(app, gw, preview, errors, refresh)) }, 'Run this plan'));
      app.announce('Plan ready');
    } catch (err) { fill(planBox); showError(errors, err); }
  };

  const view: GatewayView = {
    async connect(u, t) {
      clearError(errors);
      gw = new GatewayClient(u, t);
      fill(connected, `Connecting to ${u}…`);
      try {
        const ans = await gw.inventory();
        session.setToken(u, t);
        await store.addConnection({ url: u, at: Date.now(), agents: ans.agents.map((a) => a.name) });
        fill(connected, `Connected to ${u}: ${ans.agents.length} agent(s), ${ans.inventory.volumes.length} volume(s).`);
        showInventory(ans);
        fill(planBox);
        fill(jobBox);
        fill(body, invBox,
          h('section', { 'aria-labelledby': 'h-op', class: 'panel' }, h('h3', { id: 'h-op' }, 'Operation'),
            h('form', { onsubmit: previewPlan }, formBox, h('button', { type: 'submit', id: 'plan-preview' }, 'Preview plan'))),
          planBox, jobBox);
        app.announce(`Connected to ${u}`);
      } catch (e) {
        gw = undefined;
        fill(connected, 'Not connected.');
        showError(errors, e);
      }
    },
  };

  fill(root, h('h2', { id: 'h-gateway', tabindex: '-1' }, 'Gateway'), errors,
    h('form', { class: 'panel', 'aria-labelledby': 'h-connect', onsubmit: (e: Event) => { e.preventDefault(); void view.connect(url.value, token.value); } },
      h('h3', { id: 'h-connect' }, 'Connect'), field('Gateway URL', url), field('Token', token, 'The login link `npm start` prints fills this in.'),
      h('button', { type: 'submit', id: 'gw-connect' }, 'Connect')),
    connected, body);
  const saved = session.token(url.value);
  if (saved) { token.value = saved; void view.connect(url.value, saved); }
  return view;
}

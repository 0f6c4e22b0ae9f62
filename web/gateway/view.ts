// The Gateway view: connect (URL and token), see pools, volumes and VMs, pick an operation, preview
// its plan in words, confirm what it deletes, wipes or pivots, run it and watch it live. A stale plan
// (409 E_PLAN_STALE) is replaced by the agent's fresh one, with what changed, and asked again.
import { h, fill, field } from '../dom.js';
import type { App } from '../app.js';
import { GatewayClient, type InventoryAnswer, type PlanPreview } from './client.js';
import { inventoryView, agentOf } from './inventory-view.js';
import { operationForm, type OperationForm } from './operation-form.js';
import { jobView } from './job-view.js';
import { planView, planChanges } from './plan-view.js';
import { planWords } from './plan-words.js';
import { confirmRun } from './run-confirm.js';
import { connection } from './connection.js';
import { askLoginAgain } from './relogin.js';
import { store, session } from '../store.js';
import { errorBox, showError, clearError } from '../errors.js';
import { isVdiskError } from '../../src/errors/vdisk-error.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import type { Volume } from '../../src/plan/inventory.js';
import type { ImageRef } from '../../worker/types.js';

export interface GatewayView {
  connect(url: string, token: string): Promise<void>;
}

export function gatewayView(
  app: App,
  root: HTMLElement,
  openImage: (ref: ImageRef, label: string) => void,
): GatewayView {
  const errors = errorBox('gateway-error');
  const url = h('input', { id: 'gw-url', type: 'url', value: app.config.gateway ?? location.origin, required: true });
  const token = h('input', { id: 'gw-token', type: 'password', autocomplete: 'off', required: true });
  const connected = h('p', { id: 'gw-status', role: 'status' }, 'Not connected.');
  const body = h('div', { id: 'gw-body' });
  let form: OperationForm | undefined;
  const gw = () => connection.get()?.gw;
  const inv = () => connection.get()!.inventory.inventory;

  const openVolume = (ans: InventoryAnswer) => (v: Volume) => {
    const agent = agentOf(ans, v);
    const c = gw();
    if (!c || !agent) return;
    // The gate resolves each name a layer records to the URL of the volume the inventory says it is.
    const backing: Record<string, { url: string; extentsUrl?: string }> = {};
    for (let cur: Volume | undefined = v; cur?.backing; ) {
      const next = ans.inventory.volumes.find((x) => x.id === cur!.backing);
      const a = next && agentOf(ans, next);
      if (!next || !a) break;
      backing[cur.backingName ?? next.path] = { url: c.volumeUrls(a, next.id).url };
      cur = next;
    }
    openImage({ kind: 'url', url: c.volumeUrls(agent, v.id).url, name: v.path, headers: c.headers, backing }, v.path);
  };

  const planBox = h('section', { id: 'plan-box', 'aria-labelledby': 'h-plan', class: 'panel', hidden: true });
  const jobBox = h('div', { id: 'job-box' });
  const invBox = h('div', {});
  const formBox = h('div', {});

  connection.subscribe((c) => {
    if (!c) return;
    form = operationForm(
      c.inventory.inventory,
      app.config.liveOps?.available === false ? app.config.liveOps.reason : undefined,
    );
    fill(invBox, inventoryView(c.inventory, openVolume(c.inventory)));
    fill(formBox, form.el);
  });

  const showPlan = (preview: PlanPreview, before?: Plan) => {
    planBox.hidden = false;
    const changes = before ? planChanges(planWords(before, inv()), planWords(preview.plan, inv())) : undefined;
    fill(
      planBox,
      h('h3', { id: 'h-plan', tabindex: '-1' }, before ? 'New plan' : 'Plan'),
      planView(preview, inv(), changes),
      h(
        'div',
        { class: 'buttons' },
        h(
          'button',
          { type: 'button', id: 'plan-run', class: 'pf-v6-c-button pf-m-primary', onclick: () => void run(preview) },
          before ? 'Run the new plan' : 'Run this plan',
        ),
      ),
    );
  };
  const run = async (preview: PlanPreview) => {
    const c = gw();
    if (!c || !(await confirmRun(preview.plan, inv()))) return;
    clearError(errors);
    fill(
      jobBox,
      jobView(
        app,
        c,
        preview,
        errors,
        () => connection.refresh(),
        (e) => {
          // The agent re-planned and found other facts: show its plan, what changed, and ask again.
          if (!isVdiskError(e, 'E_PLAN_STALE') || !e.detail.plan) return false;
          fill(jobBox);
          showPlan({ ...preview, plan: e.detail.plan as Plan }, preview.plan);
          byIdFocus('h-plan');
          app.announce('The plan was stale: review the new plan');
          return true;
        },
      ),
    );
  };
  const previewPlan = async (e: Event) => {
    e.preventDefault();
    const c = gw();
    if (!c || !form) return;
    clearError(errors);
    planBox.hidden = false;
    fill(planBox, h('p', { role: 'status' }, 'Planning…'));
    try {
      showPlan(await c.plan(form.request()));
      app.announce('Plan ready');
    } catch (err) {
      fill(planBox);
      planBox.hidden = true;
      showError(errors, err);
    }
  };

  const view: GatewayView = {
    async connect(u, t) {
      clearError(errors);
      // Only the connection in use asks: a call still in flight on a replaced client does not.
      const client: GatewayClient = new GatewayClient(u, t, (e) => {
        const cur = connection.get()?.gw;
        if (!cur || cur === client) askLoginAgain(e, (fresh) => view.connect(u, fresh));
      });
      fill(connected, `Connecting to ${u}…`);
      try {
        const ans = await client.inventory();
        session.setToken(u, t);
        await store.addConnection({ url: u, at: Date.now(), agents: ans.agents.map((a) => a.name) });
        fill(connected, `Connected to ${u}: ${ans.agents.length} agent(s), ${ans.inventory.volumes.length} volume(s).`);
        const first = !connection.get();
        connection.set({ gw: client, inventory: ans });
        if (first || !body.childElementCount) {
          fill(planBox);
          planBox.hidden = true;
          fill(jobBox);
          fill(
            body,
            invBox,
            h(
              'section',
              { 'aria-labelledby': 'h-op', class: 'panel' },
              h('h3', { id: 'h-op' }, 'Operation'),
              h(
                'form',
                { onsubmit: previewPlan },
                formBox,
                h(
                  'button',
                  { type: 'submit', id: 'plan-preview', class: 'pf-v6-c-button pf-m-primary' },
                  'Preview plan',
                ),
              ),
            ),
            planBox,
            jobBox,
          );
        }
        app.announce(`Connected to ${u}`);
      } catch (e) {
        if (!connection.get()) fill(connected, 'Not connected.');
        throw e;
      }
    },
  };

  fill(
    root,
    h('h2', { id: 'h-gateway', tabindex: '-1' }, 'Gateway'),
    errors,
    h(
      'form',
      {
        class: 'panel',
        'aria-labelledby': 'h-connect',
        onsubmit: (e: Event) => {
          e.preventDefault();
          view.connect(url.value, token.value).catch((x) => showError(errors, x));
        },
      },
      h('h3', { id: 'h-connect' }, 'Connect'),
      field('Gateway URL', url),
      field('Token', token, 'The login link `npm start` prints fills this in.'),
      h('button', { type: 'submit', id: 'gw-connect', class: 'pf-v6-c-button pf-m-primary' }, 'Connect'),
    ),
    connected,
    body,
  );
  const saved = session.token(url.value);
  if (saved) {
    token.value = saved;
    view.connect(url.value, saved).catch((x) => showError(errors, x));
  }
  return view;
}

function byIdFocus(id: string): void {
  document.getElementById(id)?.focus();
}

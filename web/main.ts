// The console's entry: loads the configuration, builds the views and routes between them by the URL
// hash (#images, #gateway, #jobs, #history, and #pool/ID, #vm/ID, #volume/ID), so links, reloads and
// the keyboard all work. A login link from `vdisk start` (#login=TOKEN) is exchanged for a gateway
// token and removed from the URL. The dark theme follows the system setting.
import { byId } from './dom.js';
import { createApp, loadConfig } from './app.js';
import { imagesView } from './images/view.js';
import { gatewayView } from './gateway/view.js';
import { historyView } from './history/view.js';
import { jobsView } from './jobs/view.js';
import { detailsView, type DetailKind } from './details/view.js';
import { loginFromHash } from './login.js';
import { showError } from './errors.js';
import { followSystemTheme } from './theme.js';

const VIEWS = ['images', 'gateway', 'jobs', 'history', 'details'] as const;
type View = (typeof VIEWS)[number];
const NAMES: Record<View, string> = {
  images: 'Images',
  gateway: 'Gateway',
  jobs: 'Jobs',
  history: 'History',
  details: 'Details',
};
const DETAIL = /^#(pool|vm|volume)\/(.+)$/;

async function main(): Promise<void> {
  followSystemTheme();
  const config = await loadConfig();
  const app = createApp(config);
  void app.bridge.warm(); // the engine compiles while the person picks a file (again on the picker: idle workers end)
  // For the browser's devtools and the tests: the engine bridge (stats, generation).
  (globalThis as { vdiskConsole?: unknown }).vdiskConsole = app;
  const images = imagesView(app, byId('view-images'));
  const gateway = gatewayView(app, byId('view-gateway'), (ref, label) => {
    location.hash = '#images';
    void images.open(ref, label, -1);
  });
  const jobs = jobsView(app, byId('view-jobs'));
  const history = historyView(byId('view-history'));
  const details = detailsView(byId('view-details'));

  const show = (name: View, focus: boolean) => {
    for (const v of VIEWS) {
      byId(`view-${v}`).hidden = v !== name;
      const link = document.querySelector(`nav a[href="#${v}"]`);
      if (v === name) link?.setAttribute('aria-current', 'page');
      else link?.removeAttribute('aria-current');
    }
    if (name === 'history') void history.refresh();
    if (name === 'jobs') void jobs.refresh();
    if (name !== 'details') document.title = `${NAMES[name]} — vdisk console`;
    if (focus) byId(name === 'details' ? 'h-details' : name === 'jobs' ? 'h-jobs-view' : `h-${name}`).focus();
  };
  const route = (focus: boolean) => {
    const d = DETAIL.exec(location.hash);
    if (d) {
      details.show(d[1] as DetailKind, decodeURIComponent(d[2]!));
      show('details', focus);
      return;
    }
    const name = location.hash.slice(1) as View;
    show(VIEWS.includes(name) && name !== 'details' ? name : 'images', focus);
  };
  window.addEventListener('hashchange', () => route(true));
  const login = await loginFromHash(config).catch((e) => {
    location.hash = '#gateway';
    showError(byId('gateway-error'), e);
    return undefined;
  });
  route(false);
  if (login) {
    location.hash = '#gateway';
    await gateway.connect(login.gateway, login.token).catch((e) => showError(byId('gateway-error'), e));
  }
  document.body.dataset.ready = 'true';
}

main().catch((e) => {
  byId('status').textContent = `The console failed to start: ${(e as Error).message}`;
  throw e;
});

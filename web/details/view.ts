// The detail views, one per URL (#pool/ID, #vm/ID, #volume/ID), so a view can be linked and
// reloaded. They read the shared gateway connection and re-render when it changes (an inventory
// refresh after a job, a new login), keeping focus where the person had it (ui/keep-focus.ts);
// `data-renders` on the section counts the renders.
import { h, fill } from '../dom.js';
import { connection } from '../gateway/connection.js';
import { nameOf } from '../names.js';
import { poolDetail } from './pool.js';
import { vmDetail } from './vm.js';
import { volumeDetail } from './volume.js';
import { keepFocus } from '../ui/keep-focus.js';

export type DetailKind = 'pool' | 'vm' | 'volume';
const TITLE: Record<DetailKind, string> = { pool: 'Pool', vm: 'VM', volume: 'Volume' };

export interface DetailsView {
  show(kind: DetailKind, id: string): void;
}

export function detailsView(root: HTMLElement): DetailsView {
  let at: { kind: DetailKind; id: string } | undefined;
  let renders = 0;
  const render = () => {
    if (!at) return;
    keepFocus(root, draw, () => document.getElementById('h-details'));
    root.dataset.renders = String(++renders);
  };
  const draw = () => {
    if (!at) return;
    const c = connection.get();
    const name = at.kind === 'volume' ? nameOf(c?.inventory.inventory, at.id) : at.id;
    const heading = h('h2', { id: 'h-details', tabindex: '-1' }, `${TITLE[at.kind]} ${name}`);
    const crumbs = h(
      'nav',
      { 'aria-label': 'Breadcrumb', class: 'pf-v6-c-breadcrumb' },
      h('a', { href: '#gateway' }, 'Gateway'),
      ` › ${TITLE[at.kind]} ${name}`,
    );
    if (!c) {
      fill(
        root,
        crumbs,
        heading,
        h(
          'div',
          { class: 'pf-v6-c-empty-state', id: 'details-empty' },
          h(
            'p',
            {},
            'Not connected: connect on the ',
            h('a', { href: '#gateway' }, 'Gateway'),
            ' view; this view opens once it is.',
          ),
        ),
      );
      return;
    }
    const body =
      at.kind === 'pool' ? poolDetail(c, at.id) : at.kind === 'vm' ? vmDetail(c, at.id) : volumeDetail(c, at.id);
    fill(
      root,
      crumbs,
      heading,
      body ??
        h(
          'div',
          { class: 'pf-v6-c-empty-state', id: 'details-empty' },
          h('p', {}, `No ${at.kind} ${at.id} in the inventory (it may have been deleted or renamed).`),
        ),
    );
    document.title = `${TITLE[at.kind]} ${name} — vdisk console`;
  };
  connection.subscribe(render);
  return {
    show(kind, id) {
      at = { kind, id };
      render();
    },
  };
}

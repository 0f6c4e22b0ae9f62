// The Images view: open (files, drop, OPFS, URL), then info, chain, map and flatten of that image.
import { h, fill } from '../dom.js';
import { bytes, when } from '../format.js';
import type { App } from '../app.js';
import type { ImageHandle } from '../../worker/bridge.js';
import type { ImageRef } from '../../worker/types.js';
import { store, type RecentImage } from '../store.js';
import { errorBox, showError, clearError } from '../errors.js';
import { openPanel } from './open-panel.js';
import { opfsPanel } from './opfs-panel.js';
import { details } from './details.js';
import { convertPanel } from './convert-panel.js';
import { mark } from '../../worker/marks.js';

export interface ImagesView {
  el: HTMLElement;
  open(ref: ImageRef, label: string, size: number): Promise<void>;
}

export function imagesView(app: App, root: HTMLElement): ImagesView {
  const errors = errorBox('images-error');
  const current = h('div', { id: 'image-current' });
  const recent = h('ul', { id: 'recent-images' });
  let handle: ImageHandle | undefined;

  const showRecent = async () => {
    const items = await store.recentImages();
    fill(recent, ...(items.length ? items.map((r) => recentRow(r)) : [h('li', {}, 'No images opened yet.')]));
  };
  const recentRow = (r: RecentImage) =>
    h(
      'li',
      {},
      h('span', { class: 'name' }, r.name),
      ` — ${r.size >= 0 ? bytes(r.size) : 'remote'}, ${when(r.at)} `,
      r.ref
        ? h(
            'button',
            { type: 'button', 'aria-label': `Open ${r.name} again`, onclick: () => view.open(r.ref!, r.name, r.size) },
            'Open again',
          )
        : h('span', { class: 'muted' }, '(a local file: pick it again)'),
    );

  const opfs = opfsPanel(app, (path, size) => view.open({ kind: 'opfs', path }, path, size), errors);

  const view: ImagesView = {
    el: root,
    async open(ref, label, size) {
      mark('open-call');
      clearError(errors);
      app.announce(`Opening ${label}…`);
      if (handle) await app.bridge.close(handle).catch(() => undefined);
      handle = undefined;
      fill(current, h('p', { role: 'status' }, `Opening ${label}…`));
      try {
        handle = await app.bridge.open(ref);
        mark('opened');
        fill(
          current,
          details(app, handle, errors),
          convertPanel(app, handle, errors, () => opfs.refresh()),
        );
        app.announce(`Opened ${label}: ${handle.summary.layers.length} layer(s), ${bytes(handle.summary.virtualSize)}`);
        await store.addRecentImage({ name: label, size, at: Date.now(), ref: ref.kind === 'blob' ? undefined : ref });
        await showRecent();
      } catch (e) {
        fill(current);
        showError(errors, e);
        app.announce(`Could not open ${label}`);
      }
    },
  };

  fill(
    root,
    h('h2', { id: 'h-images', tabindex: '-1' }, 'Images'),
    errors,
    h(
      'div',
      { class: 'columns' },
      h(
        'div',
        {},
        openPanel(
          (ref, label, size) => view.open(ref, label, size),
          root,
          () => void app.bridge.warm(),
        ),
        opfs.el,
        h(
          'section',
          { 'aria-labelledby': 'h-recent', class: 'panel' },
          h('h3', { id: 'h-recent' }, 'Recent images'),
          recent,
        ),
      ),
      current,
    ),
  );
  void opfs.refresh();
  void showRecent();
  return view;
}

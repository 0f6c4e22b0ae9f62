// The private file system: images kept in the browser (imported or converted), each to open,
// download or delete. Lists through the worker, which knows which files it holds open.
import { h, fill } from '../dom.js';
import { bytes } from '../format.js';
import type { App } from '../app.js';
import type { OpfsEntry } from '../../worker/opfs-files.js';
import { showError } from '../errors.js';
import { confirmDialog } from '../ui/dialog.js';

export interface OpfsPanel {
  el: HTMLElement;
  refresh(): Promise<void>;
}

export async function downloadOpfs(path: string): Promise<void> {
  let dir = await navigator.storage.getDirectory();
  const parts = path.split('/');
  for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p);
  const file = await (await dir.getFileHandle(parts[parts.length - 1]!)).getFile();
  // An OPFS File is backed by disk, so the download streams from there, not from memory.
  const url = URL.createObjectURL(file);
  const a = h('a', { href: url, download: parts[parts.length - 1]! });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function opfsPanel(app: App, onOpen: (path: string, size: number) => void, errors: HTMLElement): OpfsPanel {
  const list = h('ul', { class: 'opfs-list', id: 'opfs-list' });
  const row = (e: OpfsEntry) =>
    h(
      'li',
      {},
      h('span', { class: 'name' }, e.path),
      ' ',
      h('span', { class: 'size' }, e.size >= 0 ? bytes(e.size) : 'in use'),
      ' ',
      h('button', { type: 'button', onclick: () => onOpen(e.path, e.size), 'aria-label': `Open ${e.path}` }, 'Open'),
      ' ',
      h(
        'button',
        {
          type: 'button',
          onclick: () => downloadOpfs(e.path).catch((x) => showError(errors, x)),
          'aria-label': `Download ${e.path}`,
        },
        'Download',
      ),
      ' ',
      h(
        'button',
        {
          type: 'button',
          onclick: async () => {
            const ok = await confirmDialog({
              title: 'Delete from private storage?',
              confirm: 'Delete',
              danger: true,
              body: [
                h(
                  'p',
                  {},
                  'Deletes ',
                  h('strong', {}, e.path),
                  e.size >= 0 ? ` (${bytes(e.size)})` : '',
                  " from this browser's private storage. It cannot be brought back.",
                ),
              ],
            });
            if (!ok) return;
            await app.bridge.removeOpfs(e.path).catch((x) => showError(errors, x));
            app.announce(`Deleted ${e.path} from private storage`);
            await panel.refresh();
          },
          'aria-label': `Delete ${e.path}`,
        },
        'Delete',
      ),
    );
  const panel: OpfsPanel = {
    el: h(
      'section',
      { 'aria-labelledby': 'h-opfs', class: 'panel' },
      h('h3', { id: 'h-opfs' }, 'Private storage (OPFS)'),
      h('p', {}, 'Images kept in this browser: converted outputs and imported files.'),
      list,
      h('button', { type: 'button', onclick: () => panel.refresh() }, 'Refresh list'),
    ),
    async refresh() {
      try {
        const entries = await app.bridge.listOpfs();
        fill(list, ...(entries.length ? entries.map(row) : [h('li', {}, 'Nothing stored yet.')]));
      } catch (e) {
        showError(errors, e);
      }
    },
  };
  return panel;
}

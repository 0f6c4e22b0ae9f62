// Flatten the open image to raw or qcow2, into the private file system or straight to a file on disk, with a
// progress bar, speed and cancel. Saving to disk uses the save-file picker where the browser has
// one; elsewhere the result goes to private storage first and is downloaded from there.
import { h, fill, field } from '../dom.js';
import { bytes, percent, rate } from '../format.js';
import type { App } from '../app.js';
import type { ImageHandle } from '../../worker/bridge.js';
import type { TargetRef } from '../../worker/types.js';
import { showError, clearError, asVdiskError } from '../errors.js';
import { downloadOpfs } from './opfs-panel.js';

type SavePicker = (o: { suggestedName: string }) => Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;

export function convertPanel(app: App, handle: ImageHandle, errors: HTMLElement, done: () => void): HTMLElement {
  const base = handle.summary.name.replace(/^.*\//, '').replace(/\.(qcow2|raw|img)$/i, '');
  const path = h('input', { id: 'convert-path', type: 'text', value: `converted/${base}.raw`, required: true });
  const toOpfs = h('input', { type: 'radio', name: 'convert-to', id: 'convert-to-opfs', value: 'opfs', checked: true });
  const toFile = h('input', { type: 'radio', name: 'convert-to', id: 'convert-to-file', value: 'file' });
  const format = h(
    'select',
    { id: 'convert-format' },
    h('option', { value: 'raw' }, 'raw'),
    h('option', { value: 'qcow2' }, 'qcow2'),
  );
  format.addEventListener('change', () => {
    path.value = path.value.replace(/\.(raw|qcow2)$/, `.${format.value}`);
  });
  const bar = h('progress', { id: 'convert-progress', max: 100, value: 0, 'aria-label': 'Flatten progress' });
  const speed = h('p', { id: 'convert-speed', class: 'muted' });
  const result = h('p', { id: 'convert-result', role: 'status' });
  const start = h('button', { type: 'submit', id: 'convert-start' }, 'Flatten');
  const cancel = h('button', { type: 'button', id: 'convert-cancel', disabled: true }, 'Cancel');
  let ac: AbortController | undefined;
  cancel.addEventListener('click', () => ac?.abort(new Error('cancelled by you')));

  const target = async (): Promise<TargetRef> => {
    const picker = (globalThis as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
    // A stream takes bytes in order only: raw streams straight to disk, qcow2 goes through OPFS.
    if (toFile.checked && picker && format.value === 'raw') {
      const fh = await picker({ suggestedName: `${base}.raw` });
      return { kind: 'stream', stream: await fh.createWritable(), name: `${base}.raw` };
    }
    return { kind: 'opfs', path: toFile.checked ? `downloads/${base}.${format.value}` : path.value };
  };

  const run = async (e: Event) => {
    e.preventDefault();
    clearError(errors);
    ac = new AbortController();
    start.disabled = true;
    cancel.disabled = false;
    fill(result, `Converting to ${format.value}…`);
    const t0 = performance.now();
    try {
      const to = await target();
      const r = await app.bridge.convert(
        handle,
        to,
        { targetFormat: format.value as 'raw' | 'qcow2' },
        {
          signal: ac.signal,
          onProgress: (p) => {
            bar.value = p.total ? (p.done / p.total) * 100 : 0;
            fill(
              speed,
              `${percent(p.done, p.total)} — ${bytes(p.done)} of ${bytes(p.total)}, ${rate(p.done / Math.max(0.001, (performance.now() - t0) / 1000))}`,
            );
          },
        },
      );
      bar.value = 100;
      const secs = (performance.now() - t0) / 1000;
      fill(
        result,
        `Done: ${bytes(r.virtualSize)} flattened to ${format.value} (${bytes(r.bytesWritten)} written) in ${secs.toFixed(1)} s${to.kind === 'opfs' ? ` to ${to.path}` : ''}.`,
      );
      app.announce(`Flatten finished${to.kind === 'opfs' ? `: ${to.path}` : ''}`);
      if (toFile.checked && to.kind === 'opfs') await downloadOpfs(to.path);
      done();
    } catch (err) {
      const v = asVdiskError(err);
      fill(result, v.code === 'E_CANCELLED' ? 'Cancelled; nothing was left behind.' : 'Flatten failed.');
      if (v.code !== 'E_CANCELLED') showError(errors, v);
      app.announce(v.code === 'E_CANCELLED' ? 'Flatten cancelled' : `Flatten failed: ${v.code}`);
      bar.value = 0;
    } finally {
      start.disabled = false;
      cancel.disabled = true;
      ac = undefined;
    }
  };

  return h(
    'section',
    { 'aria-labelledby': 'h-convert', class: 'panel', id: 'convert-panel' },
    h('h3', { id: 'h-convert' }, 'Flatten (convert) to a new image'),
    h(
      'form',
      { onsubmit: run },
      h(
        'fieldset',
        {},
        h('legend', {}, 'Write the result to'),
        h('div', {}, toOpfs, h('label', { for: 'convert-to-opfs' }, 'Private storage (OPFS)')),
        h('div', {}, toFile, h('label', { for: 'convert-to-file' }, 'A file on this computer (download)')),
      ),
      field('Format', format, 'raw: every guest byte in place, sparse; qcow2: a new single-layer image.'),
      field('Path in private storage', path),
      h('div', { class: 'buttons' }, start, cancel),
    ),
    bar,
    speed,
    result,
  );
}

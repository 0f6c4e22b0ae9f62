// Opening an image: the file picker (several files: the image and its backing files), drag and
// drop anywhere on the view, the private file system (OPFS) and a range-capable URL.
import { h, field } from '../dom.js';
import { pickTop } from './pick-top.js';
import type { ImageRef } from '../../worker/types.js';
import { mark } from '../../worker/marks.js';

export type OpenFn = (ref: ImageRef, label: string, size: number) => void;

export function filesRef(files: File[], top: number): ImageRef {
  return { kind: 'blob', files, names: files.map((f) => f.name), top };
}

/** `prepare`: called when a file is about to come (picker opened, drag entered): starts the engine. */
export function openPanel(onOpen: OpenFn, dropTarget: HTMLElement, prepare: () => void = () => {}): HTMLElement {
  const input = h('input', { type: 'file', id: 'file-input', multiple: true });
  input.addEventListener('click', prepare);
  dropTarget.addEventListener('dragenter', prepare);
  const openFiles = async (files: File[]) => {
    if (!files.length) return;
    mark('picked');
    const top = await pickTop(files);
    onOpen(filesRef(files, top), files[top]!.name, files[top]!.size);
  };
  input.addEventListener('change', () => openFiles([...(input.files ?? [])]));
  dropTarget.addEventListener('dragover', (e) => {
    e.preventDefault();
    dropTarget.classList.add('dragging');
  });
  dropTarget.addEventListener('dragleave', () => dropTarget.classList.remove('dragging'));
  dropTarget.addEventListener('drop', (e) => {
    e.preventDefault();
    dropTarget.classList.remove('dragging');
    openFiles([...(e.dataTransfer?.files ?? [])]);
  });

  const url = h('input', { type: 'url', id: 'url-input', placeholder: 'https://host/disk.qcow2', autocomplete: 'url' });
  const urlForm = h(
    'form',
    {
      class: 'inline',
      onsubmit: (e: Event) => {
        e.preventDefault();
        if (url.value) onOpen({ kind: 'url', url: url.value }, url.value, -1);
      },
    },
    field('Image URL (served with byte ranges)', url),
    h('button', { type: 'submit' }, 'Open URL'),
  );

  return h(
    'section',
    { 'aria-labelledby': 'h-open', class: 'panel' },
    h('h3', { id: 'h-open' }, 'Open an image'),
    field('Image files', input, 'Pick the image together with its backing files, or drop them anywhere on this page.'),
    urlForm,
  );
}

// An open image: what qemu-img info says about each layer, the backing chain, and the map picture.
import { h, fill } from '../dom.js';
import { bytes } from '../format.js';
import type { App } from '../app.js';
import type { ImageHandle } from '../../worker/bridge.js';
import { drawMap, describeMap, mapTable, COLORS } from './map-canvas.js';
import { MAP_KINDS } from '../../worker/types.js';
import { showError } from '../errors.js';
import { mark } from '../../worker/marks.js';

const BUCKETS = 1024;

function infoList(handle: ImageHandle): HTMLElement {
  const s = handle.summary;
  const top = s.layers[0]!;
  const row = (k: string, v: string) => [h('dt', {}, k), h('dd', {}, v)];
  return h(
    'dl',
    { class: 'info', id: 'image-info' },
    ...row('Virtual size', `${bytes(s.virtualSize)} (${s.virtualSize} bytes)`),
    ...row('Format', top.format),
    ...(top.clusterSize ? row('Cluster size', bytes(top.clusterSize)) : []),
    ...row('File size', bytes(top.fileSize)),
    ...row('Layers', String(s.layers.length)),
    ...row('Engine build', s.flavor === 'simd' ? 'Wasm SIMD' : 'Wasm scalar (no SIMD in this browser)'),
  );
}

function chainList(handle: ImageHandle): HTMLElement {
  return h(
    'ol',
    { class: 'chain', id: 'image-chain' },
    ...handle.summary.layers.map((l, i) =>
      h(
        'li',
        {},
        h('span', { class: 'name' }, l.name),
        ` — ${l.format}, ${bytes(l.virtualSize)}`,
        l.backingName
          ? ` → backed by ${l.backingName}${l.backingFormat ? ` (${l.backingFormat})` : ''}`
          : i === 0
            ? ' (no backing file)'
            : '',
      ),
    ),
  );
}

export function details(app: App, handle: ImageHandle, errors: HTMLElement): HTMLElement {
  const names = handle.summary.layers.map((l) => l.name);
  const canvas = h('canvas', { id: 'map-canvas', role: 'img', 'aria-label': 'Cluster map, loading' });
  const timing = h('p', { id: 'map-timing', class: 'muted' }, 'Reading the metadata…');
  const table = h('div', {});
  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Map colours' },
    ...MAP_KINDS.map((k) =>
      h('li', {}, h('span', { class: 'swatch', style: `background:${COLORS[k]}`, 'aria-hidden': 'true' }), ` ${k}`),
    ),
  );
  const checkOut = h('p', { id: 'check-result', role: 'status' });
  const t0 = performance.now();
  mark('map-call');
  app.bridge.map(handle, BUCKETS).then(
    (pic) => {
      mark('map-received');
      drawMap(canvas, pic);
      mark('drawn');
      const ms = performance.now() - t0;
      canvas.setAttribute('aria-label', `Cluster map: ${describeMap(pic, names)}`);
      canvas.dataset.drawnMs = ms.toFixed(1);
      fill(timing, `Drawn from ${pic.runs} metadata runs in ${ms.toFixed(0)} ms.`);
      fill(table, mapTable(pic, names));
    },
    (e) => {
      fill(timing, 'The map could not be read.');
      showError(errors, e);
    },
  );

  const check = async () => {
    fill(checkOut, 'Checking…');
    try {
      const r = await app.bridge.check(handle);
      fill(
        checkOut,
        r === null
          ? 'Only qcow2 images can be checked.'
          : r.corruptions || r.leaks || r.checkErrors
            ? `${r.corruptions} corruptions, ${r.leaks} leaked clusters, ${r.checkErrors} check errors.`
            : `No errors were found (${r.allocatedClusters}/${r.totalClusters} clusters allocated).`,
      );
    } catch (e) {
      fill(checkOut, '');
      showError(errors, e);
    }
  };

  return h(
    'section',
    { 'aria-labelledby': 'h-image', class: 'panel', id: 'image-details' },
    h('h3', { id: 'h-image' }, handle.summary.name),
    infoList(handle),
    h('h4', {}, 'Backing chain (top first)'),
    chainList(handle),
    h('h4', {}, 'Cluster map'),
    legend,
    h('div', { class: 'canvas-wrap' }, canvas),
    timing,
    table,
    h('h4', {}, 'Consistency'),
    h('button', { type: 'button', onclick: check }, 'Check image'),
    checkOut,
    h(
      'details',
      {},
      h('summary', {}, 'qemu-img info --backing-chain (JSON)'),
      h('pre', { id: 'info-json' }, JSON.stringify(handle.summary.info, null, 2)),
    ),
  );
}

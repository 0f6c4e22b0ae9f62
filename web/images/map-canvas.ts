// The cluster map picture: one band per layer (top first), each pixel column a slice of the guest
// space, split top to bottom by how much of it is data, zeros, compressed or unallocated in that
// layer. Drawn from the worker's bucket totals, so the cost is buckets × layers, whatever the size.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import { MAP_KINDS, type MapKind, type MapPicture } from '../../worker/types.js';

export const COLORS: Record<MapKind, string> = {
  data: '#1d4ed8',
  zero: '#86efac',
  unallocated: '#e5e7eb',
  compressed: '#b45309',
};
const ORDER = [0, 3, 1, 2]; // data, compressed, zero, unallocated: stacked from the top of a band
const BAND = 28;
const GAP = 6;

export function drawMap(canvas: HTMLCanvasElement, pic: MapPicture): void {
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = pic.buckets;
  canvas.height = Math.round((pic.layers * (BAND + GAP) - GAP) * dpr);
  canvas.style.height = `${pic.layers * (BAND + GAP) - GAP}px`;
  const ctx = canvas.getContext('2d')!;
  const band = BAND * dpr;
  const gap = GAP * dpr;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  for (let l = 0; l < pic.layers; l++) {
    const top = l * (band + gap);
    for (let b = 0; b < pic.buckets; b++) {
      const at = (l * pic.buckets + b) * 4;
      const total = pic.bytes[at]! + pic.bytes[at + 1]! + pic.bytes[at + 2]! + pic.bytes[at + 3]!;
      if (total === 0) continue;
      let y = top;
      for (const k of ORDER) {
        const hgt = (pic.bytes[at + k]! / total) * band;
        if (hgt <= 0) continue;
        ctx.fillStyle = COLORS[MAP_KINDS[k]!];
        ctx.fillRect(b, y, 1, hgt);
        y += hgt;
      }
    }
  }
}

/** Bytes of each kind per layer, for the legend table and the canvas's text alternative. */
export function totals(pic: MapPicture): number[][] {
  const out: number[][] = [];
  for (let l = 0; l < pic.layers; l++) {
    const t = [0, 0, 0, 0];
    for (let b = 0; b < pic.buckets; b++)
      for (let k = 0; k < 4; k++) t[k]! += pic.bytes[(l * pic.buckets + b) * 4 + k]!;
    out.push(t);
  }
  return out;
}

export function describeMap(pic: MapPicture, names: string[]): string {
  return totals(pic)
    .map((t, l) => `${names[l] ?? `layer ${l}`}: ${MAP_KINDS.map((k, i) => `${bytes(t[i]!)} ${k}`).join(', ')}`)
    .join('; ');
}

export function mapTable(pic: MapPicture, names: string[]): HTMLTableElement {
  const swatch = (k: MapKind) =>
    h('span', { class: 'swatch', style: `background:${COLORS[k]}`, 'aria-hidden': 'true' });
  return h(
    'table',
    { class: 'map-totals' },
    h('caption', {}, 'Bytes of each kind per layer (top first)'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Layer'),
        ...MAP_KINDS.map((k) => h('th', { scope: 'col' }, swatch(k), ' ', k)),
      ),
    ),
    h(
      'tbody',
      {},
      ...totals(pic).map((t, l) =>
        h('tr', {}, h('th', { scope: 'row' }, names[l] ?? `layer ${l}`), ...t.map((v) => h('td', {}, bytes(v)))),
      ),
    ),
  );
}

// A backing chain drawn as layers: the top first, each layer a bar as wide as its share of the
// chain's bytes on disk, named `pool:file` with format and sizes; a list, so it reads without sight.
import { h } from '../dom.js';
import { bytes } from '../format.js';
import type { Volume } from '../../src/plan/inventory.js';
import { volumeName } from '../names.js';
import { link } from '../gateway/inventory-view.js';

export function chainLayers(chain: Volume[], label: string): HTMLElement {
  const total = chain.reduce((n, v) => n + v.allocated, 0) || 1;
  return h(
    'ol',
    { class: 'chain-layers', 'aria-label': label },
    ...chain.map((v, i) =>
      h(
        'li',
        { class: 'layer' },
        h('span', {
          class: 'layer-bar',
          style: `inline-size: ${Math.max(2, Math.round((v.allocated / total) * 100))}%`,
          'aria-hidden': 'true',
        }),
        h(
          'span',
          { class: 'layer-text' },
          i === 0 ? 'top: ' : i === chain.length - 1 ? 'base: ' : '',
          link('volume', v.id, volumeName(v)),
          ` — ${v.format}, ${bytes(v.virtualSize)}, ${bytes(v.allocated)} on disk`,
        ),
      ),
    ),
  );
}

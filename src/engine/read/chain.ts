// Opens an image and, through the gate, its backing chain. Loops and missing layers are found here,
// before any guest data is read; backing formats come from the image, never from probing, unless
// the caller opted in (and then only raw or qcow2).
import type { ImageSource } from '../../io/source.js';
import type { Engine } from '../core/engine.js';
import type { BackingGate, ImageFormat } from './gate.js';
import { layerFacts, type LayerFacts } from './layer-facts.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { INCOMPAT_DATA_FILE } from '../../../assembly/qcow2/format';

const HINT = { probe: 0, raw: 1, qcow2: 2 } as const;
export const MAX_DEPTH = 32;

export interface Layer {
  slot: number;
  source: ImageSource;
  facts: LayerFacts;
  /** Where this layer's name resolved (for backing layers), as qemu's full-backing-filename. */
  resolved?: string;
  dataFile?: ImageSource;
}

export interface ChainOptions {
  format?: ImageFormat;
  gate?: BackingGate;
  /** Open only the top image, not its backing chain. */
  noBacking?: boolean;
  /** Opt-in probing of backing layers that record no format (raw/qcow2 only). */
  probeBacking?: boolean;
  warn?: (message: string) => void;
}

export class Chain {
  constructor(
    readonly engine: Engine,
    readonly layers: Layer[],
  ) {}
  get top(): Layer {
    return this.layers[0]!;
  }
  get size(): number {
    return this.top.facts.size;
  }
  async close(): Promise<void> {
    for (const l of this.layers) {
      this.engine.x.layerClose(l.slot);
      this.engine.detachFiles(l.slot);
      await l.source.close();
      await l.dataFile?.close();
    }
  }
}

export async function openLayer(engine: Engine, source: ImageSource, hint: keyof typeof HINT): Promise<Layer> {
  const slot = engine.x.layerCreate(source.size, HINT[hint]);
  if (slot < 0) throw engine.error(-slot, source.name);
  engine.attachFile(slot, false, source);
  try {
    await engine.drive(() => engine.x.layerOpen(slot));
  } catch (e) {
    engine.x.layerClose(slot);
    engine.detachFiles(slot);
    throw e;
  }
  return { slot, source, facts: layerFacts(engine.x, slot) };
}

export async function openChain(engine: Engine, source: ImageSource, opts: ChainOptions = {}): Promise<Chain> {
  const layers: Layer[] = [];
  const chain = new Chain(engine, layers);
  try {
    layers.push(
      await openLayer(engine, source, opts.format ?? 'probe').catch(async (e) => {
        await source.close();
        throw e;
      }),
    );
    const seen = new Set<string>();
    if (opts.gate) seen.add(await opts.gate.identify(source));
    for (let cur = layers[0]!; ; ) {
      await attachDataFile(engine, cur, opts);
      const name = cur.facts.backingName;
      if (name === undefined || opts.noBacking) break;
      if (!opts.gate)
        throw new VdiskError('E_BACKING_DENIED', `no gate allows opening backing file ${name}`, {
          path: cur.source.name,
        });
      if (layers.length >= MAX_DEPTH)
        throw new VdiskError('E_BACKING_TOO_DEEP', `backing chain deeper than ${MAX_DEPTH}`, { path: name });
      const hint = backingHint(cur, opts);
      const ans = await opts.gate.open({ name, format: cur.facts.backingFormat, kind: 'backing', from: cur.source });
      if (seen.has(ans.identity)) {
        await ans.source.close();
        throw new VdiskError('E_BACKING_LOOP', `backing chain loops back to ${ans.resolved}`, {
          path: ans.resolved,
          from: cur.source.name,
        });
      }
      seen.add(ans.identity);
      const next = await openLayer(engine, ans.source, hint).catch(async (e) => {
        await ans.source.close();
        throw e;
      });
      next.resolved = ans.resolved;
      engine.x.layerSetBacking(cur.slot, next.slot);
      layers.push(next);
      cur = next;
    }
    return chain;
  } catch (e) {
    await chain.close();
    throw e;
  }
}

function backingHint(cur: Layer, opts: ChainOptions): keyof typeof HINT {
  const fmt = cur.facts.backingFormat;
  if (fmt === 'raw' || fmt === 'qcow2') return fmt;
  if (fmt !== undefined) {
    throw new VdiskError(
      'E_FORMAT_UNSUPPORTED',
      `backing file ${cur.facts.backingName} is recorded as ${fmt}, which vdisk does not read`,
      { path: cur.source.name },
    );
  }
  if (!opts.probeBacking) {
    throw new VdiskError(
      'E_BACKING_FORMAT_UNKNOWN',
      `${cur.source.name} names backing file ${cur.facts.backingName} without recording its format, and backing formats are never probed by default`,
      { path: cur.source.name, backing: cur.facts.backingName },
    );
  }
  opts.warn?.(
    `warning: probing the format of backing file ${cur.facts.backingName} (--probe-backing); a guest can forge it`,
  );
  return 'probe';
}

async function attachDataFile(engine: Engine, layer: Layer, opts: ChainOptions): Promise<void> {
  if (layer.facts.format !== 'qcow2' || (layer.facts.incompat & INCOMPAT_DATA_FILE) === 0) return;
  const name = layer.facts.dataFileName;
  if (name === undefined) throw new VdiskError('E_QCOW2_DATA_FILE_MISSING', undefined, { path: layer.source.name });
  if (!opts.gate)
    throw new VdiskError('E_BACKING_DENIED', `no gate allows opening data file ${name}`, { path: layer.source.name });
  const ans = await opts.gate.open({ name, format: 'raw', kind: 'data-file', from: layer.source });
  layer.dataFile = ans.source;
  engine.attachFile(layer.slot, true, ans.source);
  engine.x.layerSetDataFile(layer.slot, ans.source.size);
}

// Which files have a stated format, and who stated it: the operator (`--adopt VOLUME=FORMAT`, by
// volume id or POOL:relative/path), a running VM (QEMU opened the file with that driver), or the
// store (stated before and kept). Everything else is probed from its first bytes and marked so: a
// guest of a raw disk can write any header it likes there, so a probe is never promoted to stated.
import { relative } from 'node:path';
import type { Format, FormatSource } from '../../plan/inventory.js';
import type { AgentContext } from '../context.js';
import type { VmGraph } from '../vm/vm-graph.js';

export interface Adoption {
  volume: string;
  format: Format;
}
export interface KnownFormat {
  format: Format;
  source: FormatSource;
  by: 'operator' | 'vm' | 'store';
}

const FORMATS: readonly string[] = ['raw', 'qcow2'];

/** path → the format to read it with; `undefined` means probe it. Operator beats VM beats store. */
export function knownFormats(
  ctx: AgentContext,
  graphs: Map<string, VmGraph>,
): (path: string) => KnownFormat | undefined {
  const stored = new Map(ctx.store.data.volumes.map((v) => [v.path, v]));
  const byVm = new Map<string, Format>();
  for (const g of graphs.values()) {
    for (const layer of g.devices.flatMap((d) => d.layers))
      if (FORMATS.includes(layer.drv)) byVm.set(layer.path, layer.drv as Format);
  }
  return (path) => {
    const rec = stored.get(path);
    const adopted = ctx.adopt?.length ? adoptionOf(ctx, ctx.adopt, rec?.id, path) : undefined;
    const vm = byVm.get(path);
    const known: KnownFormat | undefined = adopted
      ? { format: adopted.format, source: 'stated', by: 'operator' }
      : vm
        ? { format: vm, source: 'stated', by: 'vm' }
        : // Records from before formats had a source say nothing of who chose it: treat as probed.
          rec
          ? { format: rec.format, source: rec.formatSource ?? 'probed', by: 'store' }
          : undefined;
    if (known && rec && (rec.format !== known.format || (rec.formatSource ?? 'probed') !== known.source)) {
      ctx.log('format-stated', {
        path,
        volume: rec.id,
        was: rec.format,
        wasSource: rec.formatSource ?? 'probed',
        now: known.format,
        by: known.by,
      });
    }
    return known;
  };
}

/** The operator's statement for this file, by volume id or POOL:relative/path. */
function adoptionOf(ctx: AgentContext, adopt: Adoption[], id: string | undefined, path: string): Adoption | undefined {
  const root = ctx.roots.list.find((r) => path.startsWith(`${r.dir}/`));
  const names = [id, root && `${root.name}:${relative(root.dir, path)}`];
  return adopt.find((a) => names.includes(a.volume));
}

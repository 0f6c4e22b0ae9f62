// `vdisk map`: the same entries as `qemu-img map`, from metadata only.
import type { Chain } from '../../engine/read/chain.js';
import type { Engine } from '../../engine/core/engine.js';
import { chainRunBatches } from '../../engine/read/block-status.js';
import { qemuMap, type MapEntry } from '../../engine/read/qemu-map.js';
import { markMetaPrealloc } from '../../engine/read/meta-prealloc.js';

/** qemu-img map's entries, in batches. */
export async function* mapEntries(engine: Engine, chain: Chain): AsyncGenerator<MapEntry[]> {
  await markMetaPrealloc(engine, chain);
  yield* qemuMap(chainRunBatches(engine, chain));
}

export function jsonLine(e: MapEntry): string {
  const off = e.offset !== undefined ? `, "offset": ${e.offset}` : '';
  return `{ "start": ${e.start}, "length": ${e.length}, "depth": ${e.depth}, "present": ${e.present}, "zero": ${e.zero}, "data": ${e.data}${off}}`;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** qemu-img's human map: only runs with data at a known host offset, with the file they live in. */
export function humanLine(e: MapEntry, file: string): string | undefined {
  if (!e.data || e.offset === undefined) return undefined;
  return `${hex(e.start).padEnd(16)}${hex(e.length).padEnd(16)}${hex(e.offset).padEnd(16)}${file}`;
}

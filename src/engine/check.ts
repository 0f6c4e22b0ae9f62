// Runs the engine's consistency check on one open qcow2 layer and collects the counts qemu-img's
// collect_image_check gathers (qemu-img.c), in the order dump_json_image_check prints them.
import type { Engine } from './engine.js';
import type { Layer } from './chain.js';

export interface CheckReport {
  checkErrors: number;
  corruptions: number;
  leaks: number;
  imageEndOffset: number;
  totalClusters: number;
  allocatedClusters: number;
  fragmentedClusters: number;
  compressedClusters: number;
}

export async function checkLayer(engine: Engine, layer: Layer): Promise<CheckReport> {
  const x = engine.x;
  try {
    await engine.drive(() => x.checkRun(layer.slot));
    const v = (k: number) => x.checkValue(k);
    return {
      checkErrors: v(0), corruptions: v(1), leaks: v(2), imageEndOffset: v(3),
      totalClusters: v(4), allocatedClusters: v(5), fragmentedClusters: v(6), compressedClusters: v(7),
    };
  } finally {
    x.checkEnd();
  }
}

/** qemu-img's ImageCheck as JSON: zero counts are left out, as QAPI's optional members are. */
export function checkJson(r: CheckReport, filename: string, format: string): Record<string, unknown> {
  const out: Record<string, unknown> = { filename, format, 'check-errors': r.checkErrors };
  const opt = (k: string, v: number) => { if (v !== 0) out[k] = v; };
  opt('image-end-offset', r.imageEndOffset);
  opt('corruptions', r.corruptions);
  opt('leaks', r.leaks);
  opt('total-clusters', r.totalClusters);
  opt('allocated-clusters', r.allocatedClusters);
  opt('fragmented-clusters', r.fragmentedClusters);
  opt('compressed-clusters', r.compressedClusters);
  return out;
}

/** dump_human_image_check. */
export function checkHuman(r: CheckReport): string {
  let s = '';
  if (!(r.corruptions || r.leaks || r.checkErrors)) s += 'No errors were found on the image.\n';
  else {
    if (r.corruptions) s += `\n${r.corruptions} errors were found on the image.\nData may be corrupted, or further writes to the image may corrupt it.\n`;
    if (r.leaks) s += `\n${r.leaks} leaked clusters were found on the image.\nThis means waste of disk space, but no harm to data.\n`;
    if (r.checkErrors) s += `\n${r.checkErrors} internal errors have occurred during the check.\n`;
  }
  if (r.totalClusters !== 0 && r.allocatedClusters !== 0) {
    const pct = (a: number, b: number) => ((a * 100) / b).toFixed(2);
    s += `${r.allocatedClusters}/${r.totalClusters} = ${pct(r.allocatedClusters, r.totalClusters)}% allocated, `
      + `${pct(r.fragmentedClusters, r.allocatedClusters)}% fragmented, ${pct(r.compressedClusters, r.allocatedClusters)}% compressed clusters\n`;
  }
  if (r.imageEndOffset) s += `Image end offset: ${r.imageEndOffset}\n`;
  return s;
}

/** qemu-img check's exit code: 1 internal errors, 2 corruptions, 3 leaks only, 0 clean. */
export function checkExit(r: CheckReport): number {
  if (r.checkErrors) return 1;
  if (r.corruptions) return 2;
  return r.leaks ? 3 : 0;
}

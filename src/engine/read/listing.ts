// Internal snapshots and persistent bitmaps of one qcow2 layer, as qemu-img info reports them.
// Drives the engine's re-entrant loaders (assembly/qcow2/snapshots.ts, bitmaps.ts), decodes their
// fixed-size records and frees them. Strings are copied out before the free.
import type { Engine } from '../core/engine.js';

/** One entry of qemu-img's `snapshots` list (QAPI SnapshotInfo). */
export interface SnapshotInfo {
  id: string;
  name: string;
  'vm-state-size': number;
  'date-sec': number;
  'date-nsec': number;
  'vm-clock-sec': number;
  'vm-clock-nsec': number;
  icount?: number;
}

/** One entry of qcow2 `bitmaps` (QAPI Qcow2BitmapInfo). */
export interface BitmapInfo {
  name: string;
  granularity: number;
  flags: ('in-use' | 'auto')[];
}

const SNAP_RECORD = 64;
const BITMAP_RECORD = 32;
const FLAG_IN_USE = 1;
const FLAG_AUTO = 2;
const utf8 = new TextDecoder();

function text(engine: Engine, ptr: number, len: number): string {
  return utf8.decode(engine.bytes().slice(ptr, ptr + len));
}

export async function listSnapshots(engine: Engine, slot: number): Promise<SnapshotInfo[]> {
  const x = engine.x;
  try {
    await engine.drive(() => x.snapshotsLoad(slot));
    const n = x.snapshotsCount();
    const dv = new DataView(x.memory.buffer, x.snapshotsPtr(), n * SNAP_RECORD);
    const out: SnapshotInfo[] = [];
    for (let i = 0; i < n; i++) {
      const b = i * SNAP_RECORD;
      const u32 = (o: number) => dv.getUint32(b + o, true);
      const f64 = (o: number) => dv.getFloat64(b + o, true);
      // Keys in the order qemu-img 7.2 prints them (its QDict's hash order), icount only when recorded.
      const s = {
        ...(f64(56) >= 0 ? { icount: f64(56) } : {}),
        'vm-clock-nsec': f64(48),
        name: text(engine, u32(8), u32(12)),
        'date-sec': f64(24),
        'date-nsec': f64(32),
        'vm-clock-sec': f64(40),
        id: text(engine, u32(0), u32(4)),
        'vm-state-size': f64(16),
      } as SnapshotInfo;
      out.push(s);
    }
    return out;
  } finally {
    x.snapshotsFree();
  }
}

export async function listBitmaps(engine: Engine, slot: number): Promise<BitmapInfo[]> {
  const x = engine.x;
  try {
    await engine.drive(() => x.bitmapsLoad(slot));
    const n = x.bitmapsCount();
    const dv = new DataView(x.memory.buffer, x.bitmapsPtr(), n * BITMAP_RECORD);
    const out: BitmapInfo[] = [];
    for (let i = 0; i < n; i++) {
      const b = i * BITMAP_RECORD;
      const flags = dv.getUint32(b + 8, true);
      const list: BitmapInfo['flags'] = [];
      if (flags & FLAG_IN_USE) list.push('in-use');
      if (flags & FLAG_AUTO) list.push('auto');
      out.push({
        flags: list,
        name: text(engine, dv.getUint32(b, true), dv.getUint32(b + 4, true)),
        granularity: dv.getFloat64(b + 16, true),
      });
    }
    return out;
  } finally {
    x.bitmapsFree();
  }
}

// Several sources one after another in one target (qemu-img convert SRC1 SRC2 ... DST). Each source
// is copied by the ordinary copier into its window of the target; each counts its size rounded up to
// 512 bytes, as qemu-img counts sectors. A window that starts inside a target cluster declares a
// 1-byte unit, and the cluster a source boundary cuts is completed in memory and written once:
//
//   target clusters   |    c0    |    c1    |    c2    |
//   windows           [ source 1 ....][ source 2 .......]
//                                 ^ c1 collects the end of source 1 and the start of source 2
//
// No source here has holes: a hole (left to the target's backing file) comes only from a shallow
// copy, and qemu-img 7.2 refuses a target backing file with several sources ("Having a backing file
// for the target makes no sense when concatenating multiple input images", for -B and for
// -o backing_file alike), so copyConcat refuses it too. -n onto a backed target flattens each
// source and writes every byte of its window (data or zeros), as qemu-img does.
import type { Chain } from '../read/chain.js';
import type { Engine } from '../core/engine.js';
import { copyChain, type CopyOptions, type CopyResult } from './copier.js';
import type { Sink } from './sink.js';
import { VdiskError } from '../../errors/vdisk-error.js';

type Kind = 'data' | 'zero' | 'hole';

class Stitch {
  private at = -1; // start of the cluster being collected, -1 for none
  private buf = new Uint8Array(0);
  private filled = 0; // bytes of it collected so far
  private kinds = new Set<Kind>();
  constructor(readonly sink: Sink) {}

  put(offset: number, length: number, kind: Kind, bytes?: Uint8Array): Promise<void> {
    const U = this.sink.unit;
    const parts: Promise<void>[] = [];
    let o = offset;
    const end = offset + length;
    if (this.at >= 0 || o % U !== 0) {
      // head: into the cluster being collected
      if (this.at < 0) {
        this.at = o - (o % U);
        this.buf = new Uint8Array(U);
        this.filled = o - this.at;
      }
      const n = Math.min(end, this.at + U) - o;
      if (kind === 'data') this.buf.set(bytes!.subarray(0, n), this.filled);
      this.kinds.add(kind);
      this.filled += n;
      o += n;
      if (this.filled === U) parts.push(this.flush());
    }
    const full = o + Math.floor((end - o) / U) * U;
    if (full > o) parts.push(this.forward(o, full - o, kind, bytes?.subarray(o - offset, full - offset)));
    if (end > full) {
      // tail: starts the next cluster
      this.at = full;
      this.buf = new Uint8Array(U);
      this.filled = 0;
      this.kinds.clear();
      if (kind === 'data') this.buf.set(bytes!.subarray(full - offset, end - offset));
      this.kinds.add(kind);
      this.filled = end - full;
    }
    return Promise.all(parts).then(() => {});
  }

  private forward(o: number, n: number, kind: Kind, bytes?: Uint8Array): Promise<void> {
    if (kind === 'data') return this.sink.data(o, bytes!);
    return kind === 'zero' ? this.sink.zero(o, n) : this.sink.hole(o, n);
  }

  /** Writes the collected cluster: data if any part has data, else zeros if any part is zero. */
  flush(): Promise<void> {
    if (this.at < 0) return Promise.resolve();
    const at = this.at;
    const kind: Kind = this.kinds.has('data') ? 'data' : this.kinds.has('zero') ? 'zero' : 'hole';
    const p = this.forward(at, this.filled, kind, this.buf.subarray(0, this.filled));
    this.at = -1;
    this.filled = 0;
    this.kinds = new Set();
    return p;
  }
}

/** One source's window onto the shared target. */
function windowSink(st: Stitch, base: number, last: boolean): Sink {
  return {
    unit: base % st.sink.unit === 0 ? st.sink.unit : 1,
    backed: st.sink.backed,
    data: (o, b) => st.put(base + o, b.length, 'data', b),
    zero: (o, n) => st.put(base + o, n, 'zero'),
    hole: (o, n) => st.put(base + o, n, 'hole'),
    finish: async () => {
      if (last) {
        await st.flush();
        await st.sink.finish();
      }
    },
  };
}

export const sectorSize = (n: number) => Math.ceil(n / 512) * 512;

/** Copies `chains` back to back into `sink`; `targetSize` beyond their total reads as zeros. */
export async function copyConcat(engine: Engine, chains: Chain[], sink: Sink, opts: CopyOptions): Promise<CopyResult> {
  if (chains.length > 1 && (opts.shallow || opts.aboveDepth !== undefined)) {
    throw new VdiskError(
      'E_BAD_OPTION',
      'having a backing file for the target makes no sense when concatenating multiple input images',
      { hint: 'give one source, or leave out -B and -o backing_file' },
    );
  }
  const sizes = chains.map((c) => sectorSize(c.size));
  const total = Math.max(
    sizes.reduce((a, b) => a + b, 0),
    opts.targetSize ?? 0,
  );
  const st = new Stitch(sink);
  const sum: CopyResult = { bytesRead: 0, bytesWritten: 0 };
  let base = 0;
  for (let i = 0; i < chains.length; i++) {
    const last = i === chains.length - 1;
    const from = base;
    const r = await copyChain(engine, chains[i]!, windowSink(st, base, last), {
      ...opts,
      targetSize: last ? total - base : sizes[i],
      onProgress: opts.onProgress && ((p) => opts.onProgress!({ ...p, done: from + p.done, total })),
    });
    sum.bytesRead += r.bytesRead;
    sum.bytesWritten += r.bytesWritten;
    base += sizes[i]!;
  }
  return sum;
}

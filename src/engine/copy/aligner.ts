// Turns guest runs of COPY / ZERO / HOLE into operations aligned to the target's allocation unit
// (its cluster size), so a target cluster is decided once: a cluster that mixes kinds is copied
// whole (reading it through the source chain gives exactly what the mixture shows).
export type Kind = 'copy' | 'zero' | 'hole';

export interface Op {
  start: number;
  end: number;
  kind: Kind;
}

export class Aligner {
  private pending: Op | undefined;
  private part: { start: number; kind: Kind } | undefined;
  readonly out: Op[] = [];

  /** `holeIsZero`: the target has no backing, so an unallocated cluster already reads as zeros. */
  constructor(
    private readonly unit: number,
    private readonly size: number,
    private readonly holeIsZero: boolean,
  ) {}

  push(s: number, e: number, k0: Kind): void {
    const k: Kind = this.holeIsZero && k0 === 'hole' ? 'zero' : k0;
    const A = this.unit;
    while (s < e) {
      const cs = Math.floor(s / A) * A;
      const ce = Math.min(cs + A, this.size);
      if (s === cs && e >= ce && !this.part) {
        const full = e >= this.size ? this.size : cs + Math.floor((e - cs) / A) * A;
        this.emit(cs, full, k);
        s = full;
        continue;
      }
      const kind = this.part ? (this.part.kind === k ? k : 'copy') : k;
      this.part = { start: cs, kind };
      const to = Math.min(e, ce);
      if (to === ce) {
        this.emit(cs, ce, kind);
        this.part = undefined;
      }
      s = to;
    }
  }

  private emit(start: number, end: number, kind: Kind): void {
    const p = this.pending;
    if (p && p.kind === kind && p.end === start) {
      p.end = end;
      return;
    }
    if (p) this.out.push(p);
    this.pending = { start, end, kind };
  }

  /** Takes the operations decided so far; a long last one is handed over too (ops need not be maximal). */
  take(): Op[] {
    if (this.pending && this.pending.end - this.pending.start >= 32 << 20) {
      this.out.push(this.pending);
      this.pending = undefined;
    }
    return this.out.splice(0);
  }

  finish(): Op[] {
    if (this.part) {
      this.emit(this.part.start, Math.min(this.part.start + this.unit, this.size), this.part.kind);
      this.part = undefined;
    }
    if (this.pending) this.out.push(this.pending);
    this.pending = undefined;
    return this.take();
  }
}

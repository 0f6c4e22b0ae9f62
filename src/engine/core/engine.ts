// The host side of the engine: owns the Wasm instance, maps file ids to image sources and services
// the engine's I/O requests between calls (the engine itself never does I/O).
import type { ImageSource } from '../../io/source.js';
import type { EngineExports, EngineFlavor } from './load.js';
import { NEED_IO, OK, E_NO_MEMORY, engineError } from './codes.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import * as K from '../../../assembly/keys';
import * as RQ from '../../../assembly/io/request-record';

const PARALLEL = 16;

export interface EngineOptions {
  /** L2 slice cache: 4 KiB slices (default 4096 = 16 MiB). */
  l2Slices?: number;
  /** Upper bound of engine-managed memory in bytes (default 1 GiB). */
  memoryLimit?: number;
}

export interface Request {
  op: number;
  file: number;
  offset: number;
  len: number;
  dst: number;
  out: number;
  aux: number;
}

export class Engine {
  private readonly files = new Map<number, ImageSource>();

  constructor(
    readonly x: EngineExports,
    readonly flavor: EngineFlavor,
    opts: EngineOptions = {},
  ) {
    const rc = x.init(opts.l2Slices ?? 4096, opts.memoryLimit ?? 1 << 30);
    if (rc !== OK) throw this.error(rc);
  }

  /** A fresh view of linear memory (views die when memory grows, so never keep one across calls). */
  bytes(): Uint8Array {
    return new Uint8Array(this.x.memory.buffer);
  }

  attachFile(slot: number, dataFile: boolean, source: ImageSource): void {
    this.files.set(slot * 2 + (dataFile ? 1 : 0), source);
  }

  detachFiles(slot: number): void {
    this.files.delete(slot * 2);
    this.files.delete(slot * 2 + 1);
  }

  error(code: number, path?: string): VdiskError {
    const slot = this.x.errorSlot();
    const source = slot >= 0 ? this.files.get(slot * 2) : undefined;
    if (code === E_NO_MEMORY && this.x.memoryRefusedPinned()) {
      return new VdiskError('E_ENGINE_BUSY', undefined, { path: path ?? source?.name });
    }
    return engineError(code, {
      field: this.x.errorField(),
      offset: this.x.errorOffset(),
      value: this.x.errorValue(),
      path: path ?? source?.name,
    });
  }

  /** Runs `call` until it stops asking for I/O; throws the engine's error as a VdiskError. */
  async drive(call: () => number): Promise<void> {
    for (;;) {
      const rc = call();
      if (rc === OK) return;
      if (rc !== NEED_IO) {
        this.x.ioDone(0);
        throw this.error(rc);
      }
      await this.service();
    }
  }

  /** Performs every queued request, then tells the engine. */
  async service(): Promise<void> {
    const reqs = this.pending();
    try {
      await this.performRequests(reqs);
    } catch (e) {
      this.x.ioDone(0);
      throw e;
    }
    this.x.ioDone(1);
  }

  /**
   * Takes the queued requests off the engine unperformed when every one lands in [lo, hi) of memory
   * (data reads into the caller's buffer: no metadata read is pending), else undefined. The copier
   * performs them later, while it plans the next chunk.
   */
  detachReads(lo: number, hi: number): Request[] | undefined {
    const reqs = this.pending();
    if (!reqs.every((r) => r.dst >= lo && r.dst + (r.op === RQ.OP_READ ? r.len : r.out) <= hi)) return undefined;
    this.x.ioDone(1);
    return reqs;
  }

  /** Performs requests (contiguous reads as one), up to PARALLEL at a time. */
  async performRequests(reqs: Request[]): Promise<void> {
    const { reads, others } = coalesce(reqs);
    const jobs: (() => Promise<void>)[] = [
      ...reads.map((g) => () => this.performGroup(g)),
      ...others.map((r) => () => this.perform(r)),
    ];
    for (let i = 0; i < jobs.length; i += PARALLEL) {
      await Promise.all(jobs.slice(i, i + PARALLEL).map((j) => j()));
    }
  }

  private pending(): Request[] {
    const n = this.x.requestCount();
    const dv = new DataView(this.x.memory.buffer, this.x.requestsPtr(), n * RQ.REQ_SIZE);
    const out: Request[] = [];
    for (let i = 0; i < n; i++) {
      const b = i * RQ.REQ_SIZE;
      out.push({
        op: dv.getUint32(b + RQ.REQ_OP, true),
        file: dv.getUint32(b + RQ.REQ_FILE, true),
        offset: dv.getFloat64(b + RQ.REQ_OFFSET, true),
        len: dv.getUint32(b + RQ.REQ_LEN, true),
        dst: dv.getUint32(b + RQ.REQ_DST, true),
        out: dv.getUint32(b + RQ.REQ_OUT, true),
        aux: dv.getUint32(b + RQ.REQ_AUX, true),
      });
    }
    return out;
  }

  /** The file a plain read (no decompression) reads, for copy offload; undefined for any other request. */
  plainReadSource(r: Request): ImageSource | undefined {
    return r.op === RQ.OP_READ ? this.files.get(r.file) : undefined;
  }

  private source(file: number): ImageSource {
    const s = this.files.get(file);
    if (!s) throw new VdiskError('E_BAD_SLOT', `engine asked for file ${file}, which is not attached`);
    return s;
  }

  /** One read for requests that are adjacent in the file (e.g. read-ahead L2 slices), scattered after. */
  private async performGroup(g: Request[]): Promise<void> {
    if (g.length === 1) return this.perform(g[0]!);
    const first = g[0]!;
    const last = g[g.length - 1]!;
    // Adjacent in memory too (a guest read of host-contiguous clusters): straight into place.
    if (g.every((r) => r.dst - first.dst === r.offset - first.offset)) {
      return this.perform({ ...first, len: last.offset + last.len - first.offset });
    }
    const buf = new Uint8Array(last.offset + last.len - first.offset);
    const n = await readFully(this.source(first.file), buf, first.offset);
    buf.fill(0, n);
    const mem = this.bytes();
    for (const r of g) mem.set(buf.subarray(r.offset - first.offset, r.offset - first.offset + r.len), r.dst);
  }

  private async perform(r: Request): Promise<void> {
    const src = this.source(r.file);
    if (r.op === RQ.OP_READ) {
      const view = this.bytes().subarray(r.dst, r.dst + r.len);
      const n = await readFully(src, view, r.offset);
      if (n < r.len) view.fill(0, n); // past the end of the file reads as zeros, as in QEMU
      return;
    }
    if (r.op !== RQ.OP_READ_DEFLATE && r.op !== RQ.OP_READ_ZSTD)
      throw new VdiskError('E_BAD_ARGUMENT', `unknown engine request ${r.op}`);
    const raw = new Uint8Array(r.len);
    await readFully(src, raw, r.offset);
    const cluster = 2 ** this.x.layerGet(r.file >> 1, K.K_CLUSTER_BITS);
    // The codecs load on the first compressed cluster: most images have none, and fflate builds its
    // tables when loaded.
    const { inflateCluster } = await loadCodecs();
    const data = inflateCluster(raw, cluster, r.op === RQ.OP_READ_ZSTD, `${src.name} @ ${r.offset}`);
    this.bytes().set(data.subarray(r.aux, r.aux + r.out), r.dst);
  }
}

/** Most bytes one coalesced read covers. */
const MAX_GROUP_BYTES = 4 << 20;

/** Splits plain reads into runs that are contiguous in one file; other requests stay as they are. */
function coalesce(reqs: Request[]): { reads: Request[][]; others: Request[] } {
  const others = reqs.filter((r) => r.op !== RQ.OP_READ);
  const plain = reqs.filter((r) => r.op === RQ.OP_READ).sort((a, b) => a.file - b.file || a.offset - b.offset);
  const reads: Request[][] = [];
  for (const r of plain) {
    const g = reads[reads.length - 1];
    const prev = g?.[g.length - 1];
    if (
      g &&
      prev &&
      prev.file === r.file &&
      prev.offset + prev.len === r.offset &&
      r.offset + r.len - g[0]!.offset <= MAX_GROUP_BYTES
    )
      g.push(r);
    else reads.push([r]);
  }
  return { reads, others };
}

let codecs: Promise<typeof import('./decompress.js')> | undefined;
const loadCodecs = () => (codecs ??= import('./decompress.js'));

async function readFully(src: ImageSource, buf: Uint8Array, offset: number): Promise<number> {
  const avail = Math.max(0, Math.min(buf.length, src.size - offset));
  let done = 0;
  while (done < avail) {
    const n = await src.pread(buf.subarray(done, avail), offset + done);
    if (n <= 0) break;
    done += n;
  }
  return done;
}

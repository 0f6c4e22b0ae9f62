// What the copier writes into: an image format over a target. Calls arrive in guest order; a sink
// decides where bytes land (allocation happens synchronously, inside the call, so host order follows
// guest order) and returns a promise for the write itself.
import type { ImageSource } from '../../io/source.js';

export interface Sink {
  /** Guest granularity of allocation: operations start and end on multiples of it (or the size). */
  readonly unit: number;
  /** True when an unallocated range reads from a backing file (then holes and zeros differ). */
  readonly backed: boolean;
  /** Guest bytes at `offset`; `bytes` may be a view onto Wasm memory, used only until the promise settles. */
  data(offset: number, bytes: Uint8Array): Promise<void>;
  /**
   * Copy offload: guest [offset, offset+length) takes the bytes at `srcOffset` of `src`, copied by the
   * kernel (ImageTarget.copyFrom). Present only on sinks over a target that can; `offloadFrom` says
   * for which sources ('share': the kernel shares extents, so the copier neither reads nor scans).
   */
  copy?(offset: number, length: number, src: ImageSource, srcOffset: number, signal?: AbortSignal): Promise<void>;
  offloadFrom?(src: ImageSource): 'share' | 'copy' | undefined;
  /** [offset, offset+length) must read as zeros. */
  zero(offset: number, length: number): Promise<void>;
  /** [offset, offset+length) stays unallocated (reads from the backing file, or zeros). */
  hole(offset: number, length: number): Promise<void>;
  /** Writes remaining metadata; the header last. */
  finish(): Promise<void>;
}

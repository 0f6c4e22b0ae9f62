// An existing image as a copy sink (commit writes into a base, rebase into the top): whole clusters
// through the in-place editor, one call at a time (allocation reads refcount blocks on demand);
// holes leave what the image has. A raw image gets data and zeros written at their offsets.
import type { ImageTarget } from '../../io/target.js';
import type { Qcow2Editor } from '../qcow2/editor.js';
import type { Sink } from './sink.js';

export class EditSink implements Sink {
  readonly unit: number;
  readonly backed = true;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly ed: Qcow2Editor) {
    this.unit = ed.cs;
  }

  private queue(f: () => Promise<void>): Promise<void> {
    const p = this.chain.then(f);
    this.chain = p.catch(() => {});
    return p;
  }

  data(offset: number, bytes: Uint8Array): Promise<void> {
    const cs = this.unit;
    const copy = new Uint8Array(Math.ceil(bytes.length / cs) * cs);
    copy.set(bytes);
    return this.queue(async () => {
      for (let i = 0; i * cs < copy.length; i++)
        await this.ed.writeCluster(offset / cs + i, copy.subarray(i * cs, (i + 1) * cs));
    });
  }

  zero(offset: number, length: number): Promise<void> {
    const cs = this.unit;
    return this.queue(async () => {
      for (let g = offset / cs; g * cs < offset + length; g++) await this.ed.zeroCluster(g);
    });
  }

  hole(): Promise<void> {
    return Promise.resolve();
  }

  finish(): Promise<void> {
    return this.queue(() => this.ed.flush());
  }
}

export class RawEditSink implements Sink {
  readonly unit = 512;
  readonly backed = true;
  constructor(private readonly t: ImageTarget) {}
  data(offset: number, bytes: Uint8Array): Promise<void> {
    return this.t.pwrite(bytes, offset);
  }
  zero(offset: number, length: number): Promise<void> {
    return this.t.zero(offset, length);
  }
  hole(): Promise<void> {
    return Promise.resolve();
  }
  finish(): Promise<void> {
    return this.t.flush();
  }
}

// An image served over HTTP(S) and read with Range requests (RFC 9110 §14), as ovirt-imageio, S3 and
// any static file server allow. Size comes from the Content-Range of a one-byte probe (HEAD when the
// server hides the length); a server that ignores Range is refused rather than downloaded whole.
import type { Extent, ImageSource } from './source.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { clipExtents, type ZeroAwareExtent } from './extent-list.js';
import { parseContentRange } from './content-range.js';
import { discardBody, readBodyInto } from './http-body.js';
import { extentsRequestUrl, parseImageioExtents } from './http-extents.js';
import { displayUrl, statusError, withRetries, type Attempt, type HttpOptions } from './http-request.js';
import { readLength } from './read-range.js';
import { linkedAbort, type LinkedAbort } from './linked-abort.js';

export interface HttpSourceOptions extends HttpOptions {
  /** ovirt-imageio style extents endpoint; without it every byte counts as data. */
  extentsUrl?: string;
}

/** The code for a server that answers a Range request with the whole body. */
export const E_HTTP_NO_RANGE = 'E_HTTP_NO_RANGE';

const noRange = (name: string) =>
  new VdiskError(E_HTTP_NO_RANGE, `${name} ignores Range requests (200 with the whole body)`, {
    path: name,
    hint: 'serve the image from a server that supports byte ranges (206 Partial Content)',
  });

// Weak validators (W/"...") may not be compared for byte ranges; only strong ETags detect a change.
const strongEtag = (res: Response) => {
  const tag = res.headers.get('etag');
  return tag && !tag.startsWith('W/') ? tag : undefined;
};

export class HttpSource implements ImageSource {
  readonly extents?: (offset: number, length: number) => Promise<Extent[]>;
  private extentList?: Promise<ZeroAwareExtent[]>;
  private readonly closing: LinkedAbort;
  private readonly opts: HttpSourceOptions;

  private constructor(
    private readonly url: string,
    readonly name: string,
    readonly size: number,
    private readonly etag: string | undefined,
    opts: HttpSourceOptions,
  ) {
    // close() or the caller's signal cancels every request of this source.
    this.closing = linkedAbort([opts.signal]);
    this.opts = { ...opts, signal: this.closing.signal };
    if (opts.extentsUrl) {
      const extentsUrl = opts.extentsUrl;
      this.extents = async (offset, length) =>
        clipExtents(await this.loadExtents(extentsUrl), offset, Math.min(offset + length, this.size));
    }
  }

  static async open(url: string, opts: HttpSourceOptions = {}): Promise<HttpSource> {
    const name = displayUrl(url);
    const { size, etag } = await withRetries(opts, name, 'probing', probe(url, name));
    return new HttpSource(url, name, size, etag, opts);
  }

  async pread(buf: Uint8Array, offset: number): Promise<number> {
    const want = readLength(buf, offset, this.size, this.name);
    if (want === 0) return 0;
    const last = offset + want - 1;
    await withRetries(this.opts, this.name, `reading bytes ${offset}-${last} of`, async (send) => {
      const res = await send('GET', this.url, { range: `bytes=${offset}-${last}` });
      if (res.status !== 206) {
        await discardBody(res);
        if (res.status === 200) throw noRange(this.name);
        if (res.status === 416) throw this.changed('no longer has the range it had at open');
        throw statusError(res, this.name);
      }
      const cr = parseContentRange(res.headers.get('content-range'));
      const tag = strongEtag(res);
      if ((cr?.complete !== undefined && cr.complete !== this.size) || (tag && this.etag && tag !== this.etag)) {
        await discardBody(res);
        throw this.changed('changed since it was opened (length or ETag)');
      }
      if (cr?.first !== offset || cr.last !== last) {
        await discardBody(res);
        throw new VdiskError(
          'E_IO',
          `${this.name} answered bytes=${offset}-${last} with ${res.headers.get('content-range')}`,
          {
            path: this.name,
            offset,
          },
        );
      }
      await readBodyInto(res, buf.subarray(0, want), want, this.name);
    });
    return want;
  }

  async close(): Promise<void> {
    this.closing.unlink();
    this.closing.controller.abort(new VdiskError('E_IO', `${this.name} was closed`, { path: this.name }));
  }

  private changed(what: string): VdiskError {
    return new VdiskError('E_SOURCE_CHANGED', `${this.name} ${what}`, { path: this.name });
  }

  // Fetched once: the extents describe the whole image, whose size is fixed at open.
  private loadExtents(extentsUrl: string): Promise<ZeroAwareExtent[]> {
    const url = extentsRequestUrl(extentsUrl);
    const name = displayUrl(url);
    this.extentList ??= withRetries(this.opts, name, 'fetching extents from', async (send) => {
      const res = await send('GET', url, { accept: 'application/json' });
      if (res.status !== 200) {
        await discardBody(res);
        throw statusError(res, name);
      }
      return parseImageioExtents(await res.json().catch(() => null), name);
    });
    // A failed fetch is not cached: the next call asks again.
    this.extentList.catch(() => (this.extentList = undefined));
    return this.extentList;
  }
}

/** Size and ETag from `Range: bytes=0-0`, or from HEAD when Content-Range hides the length. */
const probe: (url: string, name: string) => Attempt<{ size: number; etag?: string }> = (url, name) => async (send) => {
  const res = await send('GET', url, { range: 'bytes=0-0' });
  await discardBody(res);
  if (res.status === 200) {
    // An empty resource has no byte 0 to send as 206; some servers answer 200 with nothing.
    if (res.headers.get('content-length') === '0') return { size: 0 };
    throw noRange(name);
  }
  if (res.status !== 206 && res.status !== 416) throw statusError(res, name);
  const complete = parseContentRange(res.headers.get('content-range'))?.complete;
  if (complete !== undefined) return { size: complete, etag: strongEtag(res) };
  if (res.status === 416)
    throw new VdiskError('E_RANGE', `${name} refused byte 0 without saying its length`, { path: name });

  const head = await send('HEAD', url);
  await discardBody(head);
  const length = Number(head.headers.get('content-length') ?? NaN);
  if (head.status !== 200) throw statusError(head, name);
  if (!Number.isSafeInteger(length))
    throw new VdiskError('E_IO', `${name} does not say how long it is`, { path: name });
  return { size: length, etag: strongEtag(head) };
};

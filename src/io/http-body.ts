// Stream a response body straight into the caller's buffer (a view onto Wasm memory), chunk by chunk,
// so a range read needs no second copy of its size.
import { VdiskError } from '../errors/vdisk-error.js';
import { TransientError } from './http-request.js';

/** Copy exactly `expected` bytes of `res`'s body into `buf`. A short body is transient; a long one is not. */
export async function readBodyInto(res: Response, buf: Uint8Array, expected: number, name: string): Promise<void> {
  if (!res.body) {
    if (expected === 0) return;
    throw new TransientError(`empty body from ${name}`);
  }
  const reader = res.body.getReader();
  let done = 0;
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      const bytes = chunk.value;
      if (done + bytes.length > expected) {
        throw new VdiskError('E_IO', `${name} sent more than the ${expected} bytes of the range asked for`, {
          path: name,
        });
      }
      buf.set(bytes, done);
      done += bytes.length;
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    throw e;
  }
  if (done < expected) throw new TransientError(`body ended after ${done} of ${expected} bytes`);
}

/** Drop a body we will not read, so the connection is freed without downloading it. */
export async function discardBody(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => {});
}

// `vdisk job events`: follows a job's Server-Sent Events through the gateway until its `end`, and
// after a dropped connection resumes where it stopped (Last-Event-ID), so no event is seen twice or
// missed. Gives up after a few failed reconnects in a row.
import { readSse, type SseEvent } from '../../gateway/sse-parse.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import type { GatewayClient } from './client.js';

const RECONNECTS = 5;

export async function followEvents(
  gw: GatewayClient,
  id: string,
  lastId: string | undefined,
  onEvent: (e: SseEvent) => void,
): Promise<SseEvent> {
  let last = lastId;
  let failures = 0;
  for (;;) {
    const abort = new AbortController();
    try {
      const body = await gw.stream(
        `/v1/jobs/${encodeURIComponent(id)}/events`,
        last !== undefined ? { 'last-event-id': last } : {},
        abort.signal,
      );
      for await (const e of readSse(body)) {
        failures = 0;
        if (e.id !== undefined) last = e.id;
        onEvent(e);
        if (e.event === 'end') return e;
      }
    } catch (e) {
      // A refusal (unknown job, bad token) is final; only a broken connection is retried.
      if (e instanceof VdiskError) throw e;
    } finally {
      abort.abort();
    }
    if (++failures > RECONNECTS)
      throw new VdiskError('E_GATEWAY_UNREACHABLE', `the event stream of ${id} broke ${RECONNECTS} times in a row`);
    await new Promise((r) => setTimeout(r, 200 * failures));
  }
}

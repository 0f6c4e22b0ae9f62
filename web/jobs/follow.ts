// Following a job live: its event stream through the gateway, with the last event id kept in this
// tab's sessionStorage, so after a reload the console reattaches with Last-Event-ID and gets only
// what it missed. `onStatus` receives each change (state, progress, step); resolves at `end`.
import type { GatewayClient, JobStatus } from '../gateway/client.js';
import { jobEvents } from '../gateway/sse.js';

const key = (id: string) => `job-event:${id}`;

export function lastEventId(id: string): string | undefined {
  return sessionStorage.getItem(key(id)) ?? undefined;
}

export async function followJob(
  gw: GatewayClient,
  id: string,
  onStatus: (s: Partial<JobStatus>, eventId?: string) => void,
  signal: AbortSignal,
): Promise<void> {
  for await (const ev of jobEvents(gw, id, signal, lastEventId(id))) {
    if (ev.id) sessionStorage.setItem(key(id), ev.id);
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch {
      continue;
    }
    if (data && typeof data === 'object') onStatus(data as Partial<JobStatus>, ev.id);
    if (ev.event === 'end') break;
  }
  sessionStorage.removeItem(key(id));
}

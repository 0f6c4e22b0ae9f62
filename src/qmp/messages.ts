// The four kinds of line QEMU writes on a QMP socket (docs/interop/qmp-spec.rst): the greeting, a
// success reply, an error reply, an asynchronous event. One JSON object per line.
import { protocolError } from './errors.js';

export interface QmpGreeting {
  QMP: { version: { qemu: { major: number; minor: number; micro: number }; package: string }; capabilities: string[] };
}
export interface QmpReturn {
  return: unknown;
  id?: unknown;
}
export interface QmpErrorReply {
  error: { class: string; desc: string };
  id?: unknown;
}
export interface QmpEvent {
  event: string;
  data?: Record<string, unknown>;
  timestamp?: { seconds: number; microseconds: number };
}

export type QmpMessage =
  | { kind: 'greeting'; greeting: QmpGreeting }
  | { kind: 'return'; id: unknown; value: unknown }
  | { kind: 'error'; id: unknown; qmpClass: string; desc: string }
  | { kind: 'event'; event: QmpEvent };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Classifies one line; anything that is not one of the four shapes is a protocol error. */
export function parseMessage(line: string): QmpMessage {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw protocolError('a line is not JSON', line);
  }
  if (!isObject(value)) throw protocolError('a line is not a JSON object', line);
  if (isObject(value.QMP)) return { kind: 'greeting', greeting: value as unknown as QmpGreeting };
  if ('return' in value) return { kind: 'return', id: value.id, value: value.return };
  if (isObject(value.error) && typeof value.error.class === 'string') {
    return { kind: 'error', id: value.id, qmpClass: value.error.class, desc: String(value.error.desc ?? '') };
  }
  if (typeof value.event === 'string') return { kind: 'event', event: value as unknown as QmpEvent };
  throw protocolError('a message has no greeting, return, error or event member', line);
}

/** Splits a byte stream into lines; QEMU ends every message with "\r\n" or "\n". */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    this.pending += chunk;
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    return parts.map((p) => p.trim()).filter((p) => p.length > 0);
  }
}

// comlink sends a thrown Error as {message, name, stack}: the class and its code are lost. This
// replaces its `throw` handler on both sides so a VdiskError arrives as a VdiskError, code, field,
// offset and hint intact; other errors keep their message. Import it in the worker and the bridge.
import { transferHandlers, type TransferHandler } from 'comlink';
import { VdiskError, type SerializedError } from '../src/errors/vdisk-error.js';

type Wire =
  | { vdisk: SerializedError }
  | { error: { message: string; name: string; stack?: string } }
  | { value: unknown };

const original = transferHandlers.get('throw')!;

const handler: TransferHandler<{ value: unknown }, Wire> = {
  canHandle: (v): v is { value: unknown } => original.canHandle(v),
  serialize({ value }) {
    if (value instanceof VdiskError) return [{ vdisk: value.toJSON() }, []];
    if (value instanceof Error)
      return [{ error: { message: value.message, name: value.name, stack: value.stack } }, []];
    return [{ value }, []];
  },
  deserialize(w) {
    if ('vdisk' in w) throw VdiskError.fromJSON(w.vdisk);
    if ('error' in w) {
      // DOMException AbortError from a cancelled fetch, or a bug: keep its name for the bridge to map.
      throw Object.assign(new Error(w.error.message), w.error);
    }
    throw w.value;
  },
};

transferHandlers.set('throw', handler as TransferHandler<unknown, unknown>);

export const errorTransferInstalled = true;

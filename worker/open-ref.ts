// Turns an ImageRef into its top source and the gate that may open its backing layers.
import type { BackingGate } from '../src/engine/gate.js';
import type { ImageSource } from '../src/io/source.js';
import { BlobSource } from '../src/io/blob-source.js';
import { OpfsSource } from '../src/io/opfs-source.js';
import { HttpSource } from '../src/io/http-source.js';
import { RemoteSource } from './remote-source.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import { BlobGate, OpfsGate, UrlGate } from './gates.js';
import type { ImageRef } from './types.js';

export async function openRef(ref: ImageRef, signal?: AbortSignal): Promise<{ source: ImageSource; gate: BackingGate }> {
  switch (ref.kind) {
    case 'blob': {
      const blob = ref.files[ref.top];
      if (!blob) throw new VdiskError('E_BAD_ARGUMENT', `no file at index ${ref.top}`);
      return { source: new BlobSource(blob, ref.names[ref.top]), gate: new BlobGate(ref.files, ref.names) };
    }
    case 'opfs':
      return { source: await OpfsSource.open(ref.path), gate: new OpfsGate() };
    case 'url': {
      const gate = new UrlGate(ref.backing ?? {}, ref.headers);
      const http = await HttpSource.open(ref.url, { headers: ref.headers, extentsUrl: ref.extentsUrl, signal });
      const source = new RemoteSource(http, ref.name);
      gate.remember(source, ref.url);
      return { source, gate };
    }
  }
}

// Turns an ImageRef into its top source and the gate that may open its backing layers.
import type { BackingGate } from '../src/engine/read/gate.js';
import type { ImageSource } from '../src/io/source.js';
import { BlobSource } from '../src/io/blob-source.js';
import { OpfsSource } from '../src/io/opfs-source.js';
import { HttpSource } from '../src/io/http-source.js';
import { RemoteSource } from './remote-source.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import { BlobGate, OpfsGate, UrlGate } from './gates.js';
import { BLOB_READS } from './blob-read.js';
import type { ImageRef } from './types.js';

/** `streamed`: picked files are read as streams where read in order (a flatten; blob-read.ts). */
export async function openRef(
  ref: ImageRef,
  signal?: AbortSignal,
  streamed = false,
): Promise<{ source: ImageSource; gate: BackingGate }> {
  switch (ref.kind) {
    case 'blob': {
      const blob = ref.files[ref.top];
      if (!blob) throw new VdiskError('E_BAD_ARGUMENT', `no file at index ${ref.top}`);
      const read = Object.hasOwn(BLOB_READS, ref.read ?? 'byob') ? BLOB_READS[ref.read ?? 'byob'] : undefined;
      if (!read) throw new VdiskError('E_BAD_ARGUMENT', `no way to read a file called ${String(ref.read)}`);
      const source = streamed ? read(blob, ref.names[ref.top]) : new BlobSource(blob, ref.names[ref.top]);
      return { source, gate: new BlobGate(ref.files, ref.names, streamed) };
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

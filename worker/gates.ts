// Backing gates for the browser: the only way a name recorded inside an image is opened. Each kind
// of image resolves names only among what the user gave it — the other picked files, the same OPFS
// directory, the URLs the console mapped — so a forged header cannot reach anything else.
import type { BackingGate, GateAnswer, GateRequest } from '../src/engine/read/gate.js';
import type { ImageSource } from '../src/io/source.js';
import { BlobSource } from '../src/io/blob-source.js';
import { OpfsSource } from '../src/io/opfs-source.js';
import { HttpSource } from '../src/io/http-source.js';
import { RemoteSource } from './remote-source.js';
import { StreamedBlobSource } from './streamed-blob.js';
import { VdiskError } from '../src/errors/vdisk-error.js';
import type { UrlLayer } from './types.js';

const basename = (name: string) => name.slice(name.lastIndexOf('/') + 1);
const dirname = (name: string) => name.slice(0, name.lastIndexOf('/') + 1);

function missing(req: GateRequest, where: string, hint: string): VdiskError {
  const code = req.kind === 'backing' ? 'E_BACKING_MISSING' : 'E_QCOW2_DATA_FILE_MISSING';
  return new VdiskError(code, `${req.from.name} needs ${req.name}, which is not ${where}`, {
    path: req.name,
    from: req.from.name,
    hint,
  });
}

/** Picked or dropped files: a backing name matches a file of the same base name. */
export class BlobGate implements BackingGate {
  /** `streamed`: backing files are read as streams where read in order (a flatten, streamed-blob.ts). */
  constructor(
    private readonly files: Blob[],
    private readonly names: string[],
    private readonly streamed = false,
  ) {}
  async identify(source: ImageSource): Promise<string> {
    return `blob:${source.name}`;
  }
  async open(req: GateRequest): Promise<GateAnswer> {
    const i = this.names.findIndex((n) => n === basename(req.name));
    if (i < 0)
      throw missing(req, 'among the files you opened', 'select or drop the image together with its backing files');
    const source = this.streamed
      ? new StreamedBlobSource(this.files[i]!, this.names[i])
      : new BlobSource(this.files[i]!, this.names[i]);
    return { source, identity: `blob:${this.names[i]}`, resolved: this.names[i]! };
  }
}

/** OPFS: relative names resolve in the directory of the image that names them, as QEMU does. */
export class OpfsGate implements BackingGate {
  async identify(source: ImageSource): Promise<string> {
    return `opfs:${source.name}`;
  }
  async open(req: GateRequest): Promise<GateAnswer> {
    if (req.name.startsWith('/') || req.name.includes('..')) {
      throw new VdiskError('E_BACKING_DENIED', `${req.name} points outside the image's directory`, {
        path: req.name,
        from: req.from.name,
      });
    }
    const path = `${dirname(req.from.name)}${req.name}`;
    const source = await OpfsSource.open(path).catch((e) => {
      if ((e as VdiskError).code === 'E_NOT_FOUND')
        throw missing(req, `in the private file system at ${path}`, 'copy the backing file next to the image');
      throw e;
    });
    return { source, identity: `opfs:${source.name}`, resolved: path };
  }
}

/** HTTP: names map to the URLs the console looked up (gateway volumes), else same-origin relative URLs. */
export class UrlGate implements BackingGate {
  private readonly urls = new Map<ImageSource, string>();
  constructor(
    private readonly layers: Record<string, UrlLayer>,
    private readonly headers?: Record<string, string>,
  ) {}
  remember(source: ImageSource, url: string): void {
    this.urls.set(source, url);
  }
  async identify(source: ImageSource): Promise<string> {
    return this.urls.get(source) ?? source.name;
  }
  async open(req: GateRequest): Promise<GateAnswer> {
    const mapped = this.layers[req.name] ?? this.layers[basename(req.name)];
    const from = this.urls.get(req.from);
    let layer = mapped;
    if (!layer && from && !req.name.includes('..') && !/^[a-z]+:/i.test(req.name)) {
      const u = new URL(req.name, from);
      if (u.origin === new URL(from).origin) layer = { url: u.href };
    }
    if (!layer)
      throw missing(req, 'a volume the gateway lists', 'the backing volume must be in a pool the gateway knows');
    const source = new RemoteSource(
      await HttpSource.open(layer.url, { headers: this.headers, extentsUrl: layer.extentsUrl }),
    );
    this.remember(source, layer.url);
    return { source, identity: layer.url, resolved: req.name };
  }
}

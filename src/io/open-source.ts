// Open whatever the user named: an http(s) URL, a file: URL or a local path. Each source is imported
// on demand so a browser bundle that only uses HTTP never pulls in node:fs or koffi.
import type { ImageSource } from './source.js';
import type { HttpSourceOptions } from './http-source.js';
import { VdiskError } from '../errors/vdisk-error.js';

export interface OpenSourceOptions {
  /** Passed to the HTTP source when `spec` is an http(s) URL. */
  http?: HttpSourceOptions;
}

// `scheme://` only, so a Windows drive letter (C:\disk.img) still reads as a path.
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

export async function openSource(spec: string, options: OpenSourceOptions = {}): Promise<ImageSource> {
  const scheme = SCHEME.exec(spec)?.[1]?.toLowerCase();
  if (scheme === 'http' || scheme === 'https') {
    const { HttpSource } = await import('./http-source.js');
    return HttpSource.open(spec, options.http);
  }
  if (scheme !== undefined && scheme !== 'file') {
    throw new VdiskError('E_USAGE', `cannot open ${scheme}:// sources; give a path, a file: URL or an http(s) URL`, {
      path: spec,
    });
  }
  const path = scheme === 'file' ? (await import('node:url')).fileURLToPath(spec) : spec;
  const { NodeFileSource } = await import('./node-file-source.js');
  return NodeFileSource.open(path);
}

// The backing gate: the only way a file named inside an image gets opened. The caller sees each
// name (and the format the image records for it) and decides whether and how it is opened.
import type { ImageSource } from '../../io/source.js';

export type ImageFormat = 'raw' | 'qcow2';

export interface GateRequest {
  /** The name as the image records it (backing file name or external data file name). */
  name: string;
  /** The format the image records for it; undefined when not recorded. */
  format?: string;
  kind: 'backing' | 'data-file';
  /** The image that names it. */
  from: ImageSource;
}

export interface GateAnswer {
  source: ImageSource;
  /** A stable identity (real path, URL) used to detect loops. */
  identity: string;
  /** Where the name resolved to, shown as full-backing-filename. */
  resolved: string;
}

export interface BackingGate {
  open(req: GateRequest): Promise<GateAnswer>;
  /** Identity of the top image, so A→A loops are caught. */
  identify(source: ImageSource): Promise<string>;
}

// Builders for the blockdev-add options vdisk uses: one qcow2 or raw format node over a file node,
// with the backing named explicitly (a node name, or null to open the layer alone) the way libvirt
// opens each layer of a chain itself instead of letting QEMU open (and probe) backing files.
import type { BlockdevOptions } from './types.js';

export interface FormatNodeOptions {
  format: 'qcow2' | 'raw';
  /** Name of the node holding this layer's backing; null opens the layer without its backing. */
  backing?: string | null;
  readOnly?: boolean;
}

/**
 * A separately added file node, opened read-write. A layer only read gets `auto-read-only: true`
 * here instead (libvirt's way, see src/plan/qmp-map.ts), never `read-only: true`: a commit into the
 * layer could not reopen such a node read-write in QEMU 7.2 ("Block node is read-only").
 */
export function fileNode(nodeName: string, filename: string): BlockdevOptions {
  return { driver: 'file', 'node-name': nodeName, filename };
}

/**
 * A format node over an inline file node; omitting `backing` lets QEMU open the recorded backing file.
 * The inline file node inherits `read-only` from its format node, so a commit can reopen both read-write.
 */
export function imageNode(nodeName: string, filename: string, opts: FormatNodeOptions): BlockdevOptions {
  const node: BlockdevOptions = {
    driver: opts.format,
    'node-name': nodeName,
    'read-only': opts.readOnly ?? false,
    file: { driver: 'file', filename },
  };
  if (opts.format === 'qcow2' && opts.backing !== undefined) node.backing = opts.backing;
  return node;
}

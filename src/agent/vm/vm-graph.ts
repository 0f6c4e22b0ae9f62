// A running VM's block graph as the agent needs it: each guest device with its chain of format
// nodes (top first), each node's file node and the host file under it, and every file QEMU holds
// open. Edges come from x-debug-query-block-graph (the only query naming a node's children in QEMU
// 7.2), node facts from query-named-block-nodes.
import { queryNamedBlockNodes } from '../../qmp/blockdev.js';
import type { QmpClient } from '../../qmp/client.js';
import type { BlockNodeInfo } from '../../qmp/types.js';

interface RawGraph {
  nodes: { id: number; type: string; name: string }[];
  edges: { parent: number; child: number; name: string }[];
}

export interface LayerNode {
  node: string;
  fileNode: string;
  path: string;
  drv: string;
  readOnly: boolean;
}
export interface DeviceChain {
  target: string;
  layers: LayerNode[];
}
export interface VmGraph {
  devices: DeviceChain[];
  openFiles: string[];
  nodes: BlockNodeInfo[];
}

export async function readVmGraph(qmp: QmpClient): Promise<VmGraph> {
  const raw = await qmp.execute<RawGraph>('x-debug-query-block-graph');
  const nodes = await queryNamedBlockNodes(qmp);
  const info = new Map(nodes.map((n) => [n['node-name'], n]));
  const byId = new Map(raw.nodes.map((n) => [n.id, n]));
  const child = (id: number, name: string) => raw.edges.find((e) => e.parent === id && e.name === name)?.child;

  /** Follows the data child (`file`, or `image` under blkdebug-like filters) down to the protocol node's file name. */
  const pathUnder = (id: number): string => {
    for (let cur: number | undefined = id, depth = 0; cur !== undefined && depth < 8; depth++) {
      const name = byId.get(cur)!.name;
      if (info.get(name)?.drv === 'file') return info.get(name)!.file;
      cur = child(cur, 'file') ?? child(cur, 'image');
    }
    return '';
  };

  const devices: DeviceChain[] = [];
  for (const backend of raw.nodes.filter((n) => n.type === 'block-backend')) {
    // Block jobs hold anonymous backends (empty name): they are not guest disks.
    const target = /\/peripheral\/([^/]+)\//.exec(backend.name)?.[1] ?? backend.name;
    if (!target) continue;
    const layers: LayerNode[] = [];
    for (let id = child(backend.id, 'root'); id !== undefined && layers.length < 64; id = child(id, 'backing')) {
      const name = byId.get(id)!.name;
      const file = child(id, 'file');
      layers.push({
        node: name,
        fileNode: file !== undefined ? byId.get(file)!.name : '',
        path: pathUnder(id),
        drv: info.get(name)?.drv ?? '',
        readOnly: info.get(name)?.ro ?? true,
      });
    }
    if (layers.length) devices.push({ target, layers });
  }
  const openFiles = nodes.filter((n) => n.drv === 'file').map((n) => n.file);
  return { devices, openFiles, nodes };
}

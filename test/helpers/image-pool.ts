// A storage pool at scale, generated (never committed): N images under the given roots, as chains
// (a base, overlays on it, overlays on those), standalone qcow2 and sparse raw files, plus VMs that
// are off, described the way an agent knows them without QEMU: a store (inventory.json) holding each
// VM's disk and its external snapshots, and every volume's record with its format stated (as the jobs
// that made them would have left it). qemu-img makes two templates (4 KiB clusters, so each qcow2 is
// a few KiB); every other qcow2 is a byte copy with its backing name rewritten in place (all names in a
// directory have the same length, so no header field moves). Deterministic: same arguments, same pool.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './tools.js';

export interface PoolSpec {
  roots: { name: string; dir: string }[];
  /** Images in all (VM disks included: 3 each). */
  images: number;
  vms: number;
  host: string;
  /** Where to write the agent's store (its state dir's inventory.json), describing the VMs. */
  stateDir: string;
  virtualSize?: number;
}

export interface GeneratedPool {
  images: number;
  qcow2: number;
  raw: number;
  vms: string[];
  snapshots: number;
  volumeIds: string[];
}

const name = (i: number, ext = 'qcow2') => `${ext === 'qcow2' ? 'q' : 'r'}-${String(i).padStart(4, '0')}.${ext}`;

export function generatePool(spec: PoolSpec, scratch: string): GeneratedPool {
  const size = spec.virtualSize ?? 64 << 20;
  const img = requireTool('qemu-img');
  mkdirSync(scratch, { recursive: true });
  const basePath = join(scratch, 'base.qcow2');
  const overPath = join(scratch, 'over.qcow2');
  execFileSync(img, ['create', '-q', '-f', 'qcow2', '-o', 'cluster_size=4096', basePath, String(size)]);
  execFileSync(img, [
    'create',
    '-q',
    '-f',
    'qcow2',
    '-o',
    'cluster_size=4096',
    '-u',
    '-b',
    name(0),
    '-F',
    'qcow2',
    overPath,
    String(size),
  ]);
  const base = readFileSync(basePath);
  const over = readFileSync(overPath);
  const nameAt = Number(over.readBigUInt64BE(8));
  const out: GeneratedPool = { images: 0, qcow2: 0, raw: 0, vms: [], snapshots: 0, volumeIds: [] };
  const records: unknown[] = [];
  const write = (root: { name: string; dir: string }, dir: string, file: string, backing?: string) => {
    const path = join(root.dir, dir, file);
    if (file.endsWith('.img')) {
      const fd = openSync(path, 'w', 0o600);
      ftruncateSync(fd, size);
      closeSync(fd);
      out.raw++;
    } else if (backing) {
      const bytes = Buffer.from(over);
      bytes.write(backing, nameAt, 'latin1');
      writeFileSync(path, bytes, { mode: 0o600 });
      out.qcow2++;
    } else {
      writeFileSync(path, base, { mode: 0o600 });
      out.qcow2++;
    }
    out.images++;
    const id = `${root.name}:${dir}:${file}`;
    out.volumeIds.push(id);
    // Recorded as an agent's own job would have left it: the format stated (so plans may use it).
    const format = file.endsWith('.img') ? 'raw' : 'qcow2';
    records.push({
      id,
      pool: root.name,
      path,
      storage: 'file',
      format,
      formatSource: 'stated',
      virtualSize: size,
      allocated: 0,
      backing: backing ? `${root.name}:${dir}:${backing}` : null,
      backingName: backing ?? null,
      owner: String(process.getuid?.() ?? 0),
      mode: '0600',
      state: 'ok',
    });
  };
  const rootOf = (i: number) => spec.roots[i % spec.roots.length]!;
  // VMs: vm-NNN/ with a base, a layer an external snapshot made, and the top the VM runs on.
  const vms: unknown[] = [];
  const snapshots: unknown[] = [];
  for (let v = 0; v < spec.vms; v++) {
    const root = rootOf(v);
    const dir = `vm-${String(v).padStart(3, '0')}`;
    mkdirSync(join(root.dir, dir), { recursive: true });
    write(root, dir, name(0));
    write(root, dir, name(1), name(0));
    write(root, dir, name(2), name(1));
    const id = dir;
    vms.push({
      id,
      host: spec.host,
      running: false,
      disks: [{ target: 'vda', volume: `${root.name}:${dir}:${name(2)}`, nodes: [] }],
    });
    snapshots.push({
      id: `${id}-s1`,
      vm: id,
      parent: null,
      current: true,
      disks: [{ target: 'vda', layer: `${root.name}:${dir}:${name(2)}`, merged: false }],
    });
    out.vms.push(id);
    out.snapshots++;
  }
  // Sets of 100: q-0000 a base, 1–39 on it, 40–69 on 1–30 (chains of 3), 70–79 standalone, 80–99 raw.
  const sets = Math.ceil((spec.images - out.images) / 100);
  for (let s = 0; s < sets; s++) {
    const root = rootOf(s);
    const dir = `set-${String(s).padStart(3, '0')}`;
    mkdirSync(join(root.dir, dir), { recursive: true });
    for (let i = 0; i < 100 && out.images < spec.images; i++) {
      if (i === 0 || (i >= 70 && i < 80)) write(root, dir, name(i));
      else if (i < 40) write(root, dir, name(i), name(0));
      else if (i < 70) write(root, dir, name(i), name(i - 39));
      else write(root, dir, name(i, 'img'));
    }
  }
  mkdirSync(spec.stateDir, { recursive: true, mode: 0o700 });
  writeFileSync(
    join(spec.stateDir, 'inventory.json'),
    JSON.stringify({ volumes: records, vms, snapshots, applied: [] }),
    { mode: 0o600 },
  );
  return out;
}

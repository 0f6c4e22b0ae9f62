// `vdisk info --output=json` lists internal snapshots (qcow2.txt "Snapshots") and persistent bitmaps
// (qcow2.txt "Bitmaps") exactly as `qemu-img info --output=json` does: same values, same key order,
// same absence rules. Images come from qemu-img itself; damaged ones are patched copies.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, openSync, readSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { requireTool } from '../../helpers/tools.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { describeRun, runVdisk } from '../../fixtures/vdisk-cli.js';

const LONG = `${'n'.repeat(200)}-long-snapshot-name-${'z'.repeat(35)}`; // 255 bytes, QEMU's maximum
let root: string;
const img = (name: string) => join(root, name);

function qemuImg(...args: string[]): void {
  execFileSync(requireTool('qemu-img'), args, { cwd: root, stdio: 'pipe' });
}

function qemuInfo(path: string): Record<string, any> {
  return JSON.parse(execFileSync(requireTool('qemu-img'), ['info', '--output=json', path], { encoding: 'utf8' }));
}

async function vdiskInfo(path: string): Promise<Record<string, any>> {
  const run = await runVdisk(['info', '--output=json', path], { cwd: root });
  expect(run.status, describeRun(run)).toBe(0);
  return JSON.parse(run.stdout);
}

/** The two keys under test, serialised so key order counts too. */
function listed(info: Record<string, any>): string {
  return JSON.stringify({ snapshots: info.snapshots, bitmaps: info['format-specific']?.data?.bitmaps }, null, 1);
}

function be(buf: Buffer, path: string, at: number): Buffer {
  const fd = openSync(path, 'r');
  readSync(fd, buf, 0, buf.length, at);
  closeSync(fd);
  return buf;
}

function patch(path: string, at: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
}

/** bitmap_directory_offset from the bitmaps header extension (qcow2.txt "Bitmaps extension"). */
function bitmapDirOffset(path: string): number {
  const head = be(Buffer.alloc(65536), path, 0);
  for (let off = head.readUInt32BE(100); off + 8 <= head.length; ) {
    const type = head.readUInt32BE(off);
    const len = head.readUInt32BE(off + 4);
    if (type === 0x23852875) return Number(head.readBigUInt64BE(off + 8 + 16));
    if (type === 0) break;
    off += 8 + ((len + 7) & ~7);
  }
  throw new Error(`${path} has no bitmaps extension`);
}

beforeAll(() => {
  root = makeScratchDir('listing');
  qemuImg('create', '-f', 'qcow2', 'plain.qcow2', '4M');
  qemuImg('create', '-f', 'qcow2', 'v3.qcow2', '4M');
  for (const name of ['first', LONG, 'third snapshot', 'ünïcødé']) qemuImg('snapshot', '-c', name, 'v3.qcow2');
  qemuImg('bitmap', '--add', '--granularity', '4096', 'v3.qcow2', 'fine');
  qemuImg('bitmap', '--add', '--disable', 'v3.qcow2', 'disabled');
  qemuImg('bitmap', '--add', '--granularity', '2M', 'v3.qcow2', 'coarse');
  qemuImg('create', '-f', 'qcow2', '-o', 'compat=0.10', 'v2.qcow2', '4M');
  qemuImg('snapshot', '-c', 'old', 'v2.qcow2');
  qemuImg('snapshot', '-c', LONG, 'v2.qcow2');
  qemuImg('create', '-f', 'qcow2', 'bitmaps-only.qcow2', '4M');
  qemuImg('bitmap', '--add', 'bitmaps-only.qcow2', 'only');
});
afterAll(() => removeScratchDir(root));

describe('snapshots and bitmaps match qemu-img info', () => {
  for (const name of ['plain.qcow2', 'v3.qcow2', 'v2.qcow2', 'bitmaps-only.qcow2']) {
    test(name, async () => {
      const q = qemuInfo(img(name));
      expect(listed(await vdiskInfo(img(name)))).toBe(listed(q));
    });
  }

  test('the fixtures hold what they claim (qemu-img lists them)', () => {
    const v3 = qemuInfo(img('v3.qcow2'));
    expect(v3.snapshots.map((s: any) => s.name)).toEqual(['first', LONG, 'third snapshot', 'ünïcødé']);
    expect(v3['format-specific'].data.bitmaps.map((b: any) => b.granularity)).toEqual([4096, 65536, 2 << 20]);
    expect(qemuInfo(img('v2.qcow2'))['format-specific'].data.compat).toBe('0.10');
    expect('snapshots' in qemuInfo(img('plain.qcow2'))).toBe(false);
    expect('bitmaps' in qemuInfo(img('plain.qcow2'))['format-specific'].data).toBe(false);
  });

  test('an in-use bitmap (flags bit 0 set) lists as ["in-use", "auto"], as in qemu-img', async () => {
    const path = img('in-use.qcow2');
    copyFileSync(img('v3.qcow2'), path);
    const dir = bitmapDirOffset(path);
    const flags = be(Buffer.alloc(4), path, dir + 12).readUInt32BE(0);
    patch(path, dir + 12, Buffer.from([0, 0, 0, flags | 1]));
    const q = qemuInfo(path);
    expect(q['format-specific'].data.bitmaps[0].flags).toEqual(['in-use', 'auto']);
    expect(listed(await vdiskInfo(path))).toBe(listed(q));
  });
});

describe('damaged tables are refused with their code, field and offset', () => {
  async function refused(path: string, code: string, field: string, offset: number): Promise<void> {
    const run = await runVdisk(['info', '--output=json', path], { cwd: root });
    expect(run.status, describeRun(run)).not.toBe(0);
    expect(run.stderr).toContain(code);
    expect(run.stderr).toContain(`${field} at offset 0x${offset.toString(16)}`);
    const q = spawnSync(requireTool('qemu-img'), ['info', path], { encoding: 'utf8' });
    expect(q.status, 'qemu-img refuses it too').not.toBe(0);
  }

  test('snapshot entry with extra_data_size 2000 (> 1024)', async () => {
    const path = img('bad-snap.qcow2');
    copyFileSync(img('v3.qcow2'), path);
    const table = Number(be(Buffer.alloc(8), path, 64).readBigUInt64BE(0));
    patch(path, table + 36, Buffer.from([0, 0, 0x07, 0xd0]));
    await refused(path, 'E_QCOW2_BAD_SNAPSHOT_TABLE', 'snapshot_entry', table);
  });

  test('bitmap directory entry with granularity_bits 8 (< 9)', async () => {
    const path = img('bad-bitmap.qcow2');
    copyFileSync(img('v3.qcow2'), path);
    const dir = bitmapDirOffset(path);
    patch(path, dir + 17, Buffer.from([8]));
    await refused(path, 'E_QCOW2_BAD_BITMAPS', 'bitmap_directory', dir);
  });
});

// check and check -r on broken internal snapshot tables (QEMU 7.2 qcow2_check_read_snapshot_table,
// qcow2_check_fix_snapshot_table, calculate_refcounts' snapshot loop). Each fixture goes through
// qemu-img and vdisk on two copies of one file: same exit code, same counts where qemu-img prints a
// report, and afterwards the very same bytes (the table is rewritten where qemu-img rewrites it:
// same clusters, same entries, old table freed and discarded).
import { mkdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MiB, qcow2 } from '../../fixtures/fixture.js';
import { patchFile } from '../../fixtures/patch-qcow2.js';
import { qemuImg, qemuIo } from '../../fixtures/qemu.js';
import { makeScratchDir, removeScratchDir } from '../../fixtures/tmp-dir.js';
import { expectAllocatedNear } from '../helpers/helpers.js';
import { twinCopies, expectCheckAsQemu } from '../helpers/repair-twins.js';

/** Rewrites the snapshot table in place with entry i's extra data resized to sizes[i] (zero-filled). */
function resizeExtra(path: string, sizes: Record<number, number>): void {
  patchFile(path, (buf) => {
    const count = buf.readUInt32BE(60);
    const start = Number(buf.readBigUInt64BE(64));
    const out: Buffer[] = [];
    let at = start;
    for (let i = 0; i < count; i++) {
      at = Math.ceil(at / 8) * 8;
      const fixed = Buffer.from(buf.subarray(at, at + 40));
      const extra = fixed.readUInt32BE(36);
      const ids = fixed.readUInt16BE(12) + fixed.readUInt16BE(14);
      let x = Buffer.from(buf.subarray(at + 40, at + 40 + extra));
      const names = buf.subarray(at + 40 + extra, at + 40 + extra + ids);
      if (sizes[i] !== undefined) {
        x = Buffer.concat([x, Buffer.alloc(sizes[i]!)]).subarray(0, sizes[i]);
        fixed.writeUInt32BE(sizes[i]!, 36);
      }
      const e = Buffer.concat([fixed, x, names]);
      out.push(e, Buffer.alloc((8 - (e.length % 8)) % 8));
      at += 40 + extra + ids;
    }
    Buffer.concat(out).copy(buf, start);
  });
}

/** 64 MiB v3 image with data and three snapshots (sn0 before a rewrite of the first 512 KiB). */
function withSnapshots(dir: string, file: string, n = 3): string {
  const path = qcow2(dir, file, 64 * MiB, {}, ['write -P 0x11 0 1M']).path;
  for (let i = 0; i < n; i++) {
    qemuImg(['snapshot', '-c', `sn${i}`, path]);
    if (i === 0) qemuIo(path, ['write -P 0x22 0 512k']);
  }
  return path;
}

/** Refcount 1 for host clusters [from, to) (refcount block 0, 16-bit refcounts, 64 KiB clusters). */
function allocate(buf: Buffer, from: number, to: number): void {
  const block = Number(buf.readBigUInt64BE(Number(buf.readBigUInt64BE(48))));
  for (let c = from; c < to; c++) buf.writeUInt16BE(1, block + c * 2);
}

/**
 * The layouts of QEMU's iotest 261: a snapshot table hooked up at `table`, `count` entries of `size`
 * bytes each (only their 40-byte headers written), and one entry to be cut off, `victim`, given an
 * L1 table (cluster 28) and an L2 table (cluster 29) so the cut leaves clusters to free.
 */
function hookTable(path: string, table: number, count: number, size: number, header: Buffer, victim: number): void {
  const end = table + count * size;
  truncateSync(path, end);
  patchFile(path, (buf) => {
    buf.writeBigUInt64BE(BigInt(table), 64);
    buf.writeUInt32BE(count, 60);
    for (let i = 0; i < count; i++) header.copy(buf, table + i * size);
    buf.writeBigUInt64BE(28n * 65536n, table + victim * size);
    buf.writeUInt32BE(1, table + victim * size + 8);
    buf.writeBigUInt64BE((1n << 63n) | (29n * 65536n), 28 * 65536);
    allocate(buf, 28, 30);
    allocate(buf, table / 65536, Math.ceil(end / 65536));
  });
}

const FIXTURES: { name: string; build(dir: string): string }[] = [
  {
    name: 'v3 entries with 0 and 8 bytes of extra data (incomplete)',
    build: (dir) => {
      const p = withSnapshots(dir, 'inc.qcow2');
      resizeExtra(p, { 0: 0, 2: 8 });
      return p;
    },
  },
  {
    name: 'an entry with 2000 bytes of extra data (over 1 KiB; the table then runs past the end of the file, its last names read as NULs)',
    build: (dir) => {
      const p = withSnapshots(dir, 'big.qcow2', 2);
      resizeExtra(p, { 1: 2000 });
      return p;
    },
  },
  {
    name: 'both at once, unknown extra data kept',
    build: (dir) => {
      const p = withSnapshots(dir, 'both.qcow2');
      resizeExtra(p, { 0: 40, 1: 4, 2: 1500 });
      return p;
    },
  },
  {
    // iotest 261's case: only the size field changes, so the entry now spills into a cluster the
    // refcounts do not know: the refcount structure is rebuilt, then the table rewritten.
    name: 'extra data size poked to 64 KiB in place (refcount rebuild and table rewrite together)',
    build: (dir) => {
      const p = withSnapshots(dir, 'spill.qcow2', 4);
      patchFile(p, (buf) => {
        let at = Number(buf.readBigUInt64BE(64));
        for (let i = 0; i < 3; i++)
          at =
            Math.ceil(
              (at + 40 + buf.readUInt32BE(at + 36) + buf.readUInt16BE(at + 12) + buf.readUInt16BE(at + 14)) / 8,
            ) * 8;
        buf.writeUInt32BE(65536, at + 36);
      });
      return p;
    },
  },
  {
    name: "a snapshot's L1 table offset unaligned (not repaired by qemu-img either)",
    build: (dir) => {
      const p = withSnapshots(dir, 'l1.qcow2', 2);
      patchFile(p, (buf) => {
        const at = Number(buf.readBigUInt64BE(64));
        buf.writeBigUInt64BE(buf.readBigUInt64BE(at) + 512n, at);
      });
      return p;
    },
  },
  {
    // v2: all-zero 40-byte entries are valid there. 131072 of them at 2 MiB, one past 65536 with tables.
    name: 'more than 65536 snapshots',
    build: (dir) => {
      const p = qcow2(dir, 'many.qcow2', 64 * MiB, { compat: '0.10' }, ['write -P 0x11 0 1M']).path;
      hookTable(p, 2 * MiB, 131072, 40, Buffer.alloc(40), 65536);
      return p;
    },
  },
  {
    // Entries of 1 KiB extra data and 65535-byte id and name (132136 bytes) past 64 MiB in all.
    name: 'a snapshot table over 64 MiB',
    build: (dir) => {
      const p = qcow2(dir, 'huge.qcow2', 64 * MiB, {}).path;
      const head = Buffer.alloc(40);
      head.writeUInt16BE(0xffff, 12);
      head.writeUInt16BE(0xffff, 14);
      head.writeUInt32BE(1024, 36);
      const size = 40 + 1024 + 65535 + 65535 + 2;
      const count = Math.floor((64 * MiB) / size) + 1;
      hookTable(p, 1 * MiB, count, size, head, count - 1);
      return p;
    },
  },
  {
    name: 'snapshot table offset unaligned (qemu-img cannot read it)',
    build: (dir) => {
      const p = withSnapshots(dir, 'off.qcow2', 1);
      patchFile(p, (buf) => buf.writeBigUInt64BE(buf.readBigUInt64BE(64) + 8n, 64));
      return p;
    },
  },
];

let root: string;

describe('check -r: internal snapshot table', () => {
  const built = new Map<string, string>();
  beforeAll(() => {
    root = makeScratchDir('repair-snap');
    FIXTURES.forEach((f, i) => {
      const dir = join(root, `f${i}`);
      mkdirSync(dir);
      built.set(f.name, f.build(dir));
    });
  });
  afterAll(() => removeScratchDir(root));

  for (const f of FIXTURES) {
    for (const mode of ['none', 'leaks', 'all']) {
      test(`${f.name}: ${mode === 'none' ? 'check' : `-r ${mode}`} as qemu-img`, async () => {
        const { q, v, dir } = twinCopies(root, built.get(f.name)!);
        const r = mode === 'none' ? [] : ['-r', mode];
        await expectCheckAsQemu(q, v, dir, r);
        expect(readFileSync(v).equals(readFileSync(q)), 'the same bytes as qemu-img leaves').toBe(true);
        expectAllocatedNear(v, q);
      });
    }
  }
});

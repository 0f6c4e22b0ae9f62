// The engine's SIMD and scalar builds run the same reads: each is loaded explicitly, opens a chain
// qemu-img made, and must give qemu-img's map and qemu-img convert's bytes.
import { describe, expect, it, beforeAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeEngine, openImageNode } from '../../../src/host/node-engine.js';
import { chainRunBatches } from '../../../src/engine/read/block-status.js';
import { qemuMap } from '../../../src/engine/read/qemu-map.js';
import { engineBuffer, readGuest } from '../../../src/engine/read/reader.js';
import { requireTool } from '../../helpers/tools.js';

const dir = mkdtempSync(join(tmpdir(), 'vdisk-flavors-'));
const qemu = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { cwd: dir, encoding: 'utf8' });

beforeAll(() => {
  requireTool('qemu-img');
  requireTool('qemu-io');
  qemu('qemu-img', 'create', '-q', '-f', 'raw', 'base.raw', '8M');
  qemu('qemu-io', '-f', 'raw', '-c', 'write -P 0x11 1M 1M', 'base.raw');
  qemu(
    'qemu-img',
    'create',
    '-q',
    '-f',
    'qcow2',
    '-o',
    'cluster_size=4k',
    '-b',
    'base.raw',
    '-F',
    'raw',
    'top.qcow2',
    '12M',
  );
  qemu(
    'qemu-io',
    '-c',
    'write -P 0x22 1536k 8k',
    '-c',
    'write -z 1600k 64k',
    '-c',
    'write -P 0x33 10M 4k',
    'top.qcow2',
  );
  qemu('qemu-img', 'convert', '-O', 'raw', 'top.qcow2', 'flat.raw');
});

describe.each(['simd', 'scalar'] as const)('%s engine', (flavor) => {
  it('maps the chain as qemu-img map does', async () => {
    const engine = await createNodeEngine({ flavor });
    expect(engine.flavor).toBe(flavor);
    const chain = await openImageNode(engine, join(dir, 'top.qcow2'));
    const entries = [];
    for await (const batch of qemuMap(chainRunBatches(engine, chain))) entries.push(...batch);
    await chain.close();
    expect(entries).toEqual(JSON.parse(qemu('qemu-img', 'map', '--output=json', 'top.qcow2')));
  });

  it('reads guest bytes equal to qemu-img convert output', async () => {
    const engine = await createNodeEngine({ flavor });
    const chain = await openImageNode(engine, join(dir, 'top.qcow2'));
    const buf = engineBuffer(engine, chain.size);
    await readGuest(engine, chain, 0, chain.size, buf.ptr);
    expect(buf.ptr % 4096).toBe(0);
    const flat = readFileSync(join(dir, 'flat.raw'));
    expect(Buffer.compare(Buffer.from(buf.view()), flat)).toBe(0);
    buf.release();
    await chain.close();
  });
});

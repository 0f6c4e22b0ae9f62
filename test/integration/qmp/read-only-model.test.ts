// The simulator's read-only rule (src/plan/sim/read-only.ts) against real QEMU 7.2: the same commands
// go to qemu-system-x86_64 and to the model, and each command must be accepted by both or refused by
// both with QEMU's own words ("Block node is read-only"), or end QEMU in both (the segfault at the
// finalize of an intermediate commit under a read-only layer). Taking the rule out of the model
// makes this test fail.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { awaitJob } from '../../../src/plan/sim/await-job.js';
import { qmpCommand } from '../../../src/plan/sim/qemu.js';
import type { SimFile, SimQemu, SimWorld } from '../../../src/plan/sim/world.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import { waitForJobStatus } from '../../../src/qmp/job-wait.js';
import { startQemu, type QemuInstance } from '../../helpers/qemu.js';
import { qemuImg, qemuIo } from '../agent/guest.js';

type Cmd = [string, Record<string, unknown>];
type Outcome = 'ok' | 'exited' | string;
/** A script step: a command, or a wait for a job to reach pending (a commit that ends by itself). */
type Step = Cmd | ['await-pending', string];

let qemu: QemuInstance | undefined;
let dir: string | undefined;
afterEach(async () => {
  await qemu?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  qemu = undefined;
  dir = undefined;
}, 20_000);

/** qcow2 layers named in order, each backed by the one before, each with 1 MiB of its own data. */
function images(layers: string[], extra: string[] = []): (name: string) => string {
  dir = mkdtempSync(join(tmpdir(), 'vro-'));
  const path = (n: string) => join(dir!, `${n}.qcow2`);
  layers.forEach((n, i) => {
    qemuImg(
      'create',
      '-q',
      '-f',
      'qcow2',
      ...(i ? ['-b', `${layers[i - 1]}.qcow2`, '-F', 'qcow2'] : []),
      path(n),
      '16M',
    );
    qemuIo(path(n), `write -P 0x${(0xa0 + i).toString(16)} ${i}M 1M`);
  });
  for (const n of extra) qemuImg('create', '-q', '-f', 'qcow2', path(n), '16M');
  return path;
}

async function onQemu(steps: Step[]): Promise<Outcome[]> {
  qemu = await startQemu({ commandTimeoutMs: 10_000 });
  const out: Outcome[] = [];
  for (const [execute, args] of steps) {
    if (execute === 'await-pending') {
      await waitForJobStatus(qemu.qmp, args as string, 'pending', { timeoutMs: 10_000 });
      continue;
    }
    try {
      await qemu.qmp.execute(execute, args as Record<string, unknown>);
      out.push('ok');
    } catch (e) {
      const desc = (e as { detail?: { desc?: string } }).detail?.desc;
      if (desc === undefined) {
        await qemu.exited;
        out.push(qemu.process.signalCode === 'SIGSEGV' ? 'exited' : `ended: ${String(qemu.process.signalCode)}`);
        return out;
      }
      out.push(desc);
    }
  }
  return out;
}

function onModel(steps: Step[], path: (n: string) => string, layers: string[], extra: string[] = []): Outcome[] {
  const files = new Map<string, SimFile>();
  for (const [i, n] of layers.entries())
    files.set(path(n), {
      format: 'qcow2',
      size: 16 << 20,
      blocks: { [i]: n },
      backingName: i ? `${layers[i - 1]}.qcow2` : null,
      backingFormat: i ? 'qcow2' : null,
    });
  for (const n of extra)
    files.set(path(n), { format: 'qcow2', size: 16 << 20, blocks: {}, backingName: null, backingFormat: null });
  const q: SimQemu = { nodes: new Map(), devices: new Map(), jobs: new Map() };
  const w: SimWorld = { files, inv: {} as Inventory, qemu: new Map([['vm', q]]), qmpLog: [], violations: [] };
  const out: Outcome[] = [];
  for (const [execute, args] of steps) {
    if (execute === 'await-pending') {
      awaitJob(w, 'vm', q, args as string, 'pending', false);
      continue;
    }
    try {
      qmpCommand(w, 'vm', q, execute, args as Record<string, unknown>);
      out.push('ok');
    } catch (e) {
      const msg = (e as Error).message;
      if (msg.includes('QEMU exited')) {
        out.push('exited');
        return out;
      }
      out.push(msg);
    }
  }
  return out;
}

const manual = { 'auto-finalize': false, 'auto-dismiss': false };
const fileAdd = (node: string, filename: string, opts: Record<string, unknown> = {}): Cmd => [
  'blockdev-add',
  { driver: 'file', 'node-name': node, filename, ...opts },
];
const qcow2Add = (node: string, file: string, backing: string | null, opts: Record<string, unknown> = {}): Cmd => [
  'blockdev-add',
  { driver: 'qcow2', 'node-name': node, file, backing, ...opts },
];
const RO = { 'read-only': true };
const ARO = { 'auto-read-only': true };

describe("the simulator's read-only rule answers as QEMU 7.2 does", () => {
  const BASE_FILES: [string, Record<string, unknown>][] = [
    ['read-only', RO],
    ['read-only and auto-read-only', { ...RO, ...ARO }],
    ['auto-read-only (libvirt)', ARO],
    ['read-write', {}],
  ];
  for (const [name, opts] of BASE_FILES) {
    it(`active commit into a read-only layer whose file node is ${name}`, { timeout: 30_000 }, async () => {
      const layers = ['b', 't'];
      const path = images(layers);
      const steps: Step[] = [
        fileAdd('bf', path('b'), opts),
        qcow2Add('b', 'bf', null, RO),
        fileAdd('tf', path('t')),
        qcow2Add('t', 'tf', 'b'),
        ['block-commit', { 'job-id': 'j', device: 't', 'top-node': 't', 'base-node': 'b', ...manual }],
      ];
      const real = await onQemu(steps);
      expect(real.at(-1)).toBe('read-only' in opts ? 'Block node is read-only' : 'ok');
      expect(onModel(steps, path, layers)).toEqual(real);
    });
  }

  it('intermediate commit into a read-only layer whose file node is read-only', { timeout: 30_000 }, async () => {
    const layers = ['b', 'm', 't'];
    const path = images(layers);
    const steps: Step[] = [
      fileAdd('bf', path('b'), RO),
      qcow2Add('b', 'bf', null, RO),
      fileAdd('mf', path('m'), ARO),
      qcow2Add('m', 'mf', 'b', RO),
      fileAdd('tf', path('t')),
      qcow2Add('t', 'tf', 'm'),
      [
        'block-commit',
        { 'job-id': 'j', device: 't', 'top-node': 'm', 'base-node': 'b', 'backing-file': 'b.qcow2', ...manual },
      ],
    ];
    const real = await onQemu(steps);
    expect(real.at(-1)).toBe('Block node is read-only');
    expect(onModel(steps, path, layers)).toEqual(real);
  });

  it('intermediate commit under a layer whose file node is read-only: QEMU segfaults at job-finalize', {
    timeout: 30_000,
  }, async () => {
    const layers = ['b', 'm', 't', 'u'];
    const path = images(layers);
    const steps: Step[] = [
      fileAdd('bf', path('b'), ARO),
      qcow2Add('b', 'bf', null, RO),
      fileAdd('mf', path('m'), ARO),
      qcow2Add('m', 'mf', 'b', RO),
      fileAdd('tf', path('t'), RO),
      qcow2Add('t', 'tf', 'm', RO),
      fileAdd('uf', path('u')),
      qcow2Add('u', 'uf', 't'),
      [
        'block-commit',
        { 'job-id': 'j', device: 'u', 'top-node': 'm', 'base-node': 'b', 'backing-file': 'b.qcow2', ...manual },
      ],
      ['await-pending', 'j'],
      ['job-finalize', { id: 'j' }],
    ];
    const real = await onQemu(steps);
    expect(real.at(-1)).toBe('exited');
    expect(onModel(steps, path, layers)).toEqual(real);
  });

  it('a writable layer over a read-only file node, and a mirror into a read-only target', {
    timeout: 30_000,
  }, async () => {
    const layers = ['b'];
    const path = images(layers, ['c', 'd']);
    const steps: Step[] = [
      fileAdd('bf', path('b')),
      qcow2Add('b', 'bf', null),
      fileAdd('cf', path('c'), RO),
      qcow2Add('c', 'cf', null),
      fileAdd('df', path('d'), ARO),
      qcow2Add('d', 'df', null, RO),
      ['blockdev-mirror', { 'job-id': 'j', device: 'b', target: 'd', sync: 'full', ...manual }],
    ];
    const real = await onQemu(steps);
    expect(real).toEqual(['ok', 'ok', 'ok', 'Block node is read-only', 'ok', 'ok', 'Block node is read-only']);
    expect(onModel(steps, path, layers, ['c', 'd'])).toEqual(real);
  });
});

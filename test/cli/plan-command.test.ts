import { describe, expect, test } from 'vitest';
import { verbHelp } from '../../src/cli/help.js';
import { planCommand } from '../../src/cli/plan-command.js';
import { world } from '../plan/fixtures.js';

function io(files: Record<string, unknown> = { 'inv.json': world() }) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: (s: string) => {
        out.push(s);
      },
      stderr: (s: string) => {
        err.push(s);
      },
      readFile: async (p: string) => {
        if (!(p in files)) throw new Error('ENOENT');
        return JSON.stringify(files[p]);
      },
    },
  };
}

describe('vdisk plan', () => {
  test('--schema prints the plan JSON Schema with a union on kind', async () => {
    const t = io();
    expect(await planCommand(['--schema'], t.io)).toBe(0);
    const schema = JSON.parse(t.out.join(''));
    expect(JSON.stringify(schema)).toContain('"snapshot-delete"');
    expect(schema.oneOf ?? schema.anyOf).toHaveLength(5);
  });

  test('a move as text names each step; as JSON it is a version 1 plan', async () => {
    const t = io();
    const args = ['move', '--inventory', 'inv.json', '--volume', 'snap2', '--to-pool', 'p2', '--id-prefix', 't'];
    expect(await planCommand(args, t.io)).toBe(0);
    expect(t.out.join('')).toMatch(/qmp-pivot/);
    const j = io();
    expect(await planCommand([...args, '--output=json'], j.io)).toBe(0);
    expect(JSON.parse(j.out.join(''))).toMatchObject({ version: 1, kind: 'move', live: true });
  });

  test('block-copy groups take their options per --disk and flags by name', async () => {
    const t = io({ 'inv.json': world({ secondDisk: true }) });
    const code = await planCommand(
      [
        'block-copy',
        '--inventory',
        'inv.json',
        '--vm',
        'vm1',
        '--output',
        'json',
        '--disk',
        'vda',
        '--pool',
        'p2',
        '--name',
        'a.qcow2',
        '--flags',
        'copy',
        '--disk',
        'vdb',
        '--dest',
        '/pool2/b.qcow2',
        '--flags',
        'copy|shallow',
      ],
      t.io,
    );
    expect(t.err.join('')).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(t.out.join(''));
    expect(plan.request.disks).toEqual([
      { disk: 'vda', pool: 'p2', name: 'a.qcow2', flags: 8 },
      { disk: 'vdb', path: '/pool2/b.qcow2', flags: 9 },
    ]);
  });

  test('refusals print the stable code and exit 1; usage errors exit 2', async () => {
    const t = io();
    expect(
      await planCommand(
        ['clone', '--inventory', 'inv.json', '--volume', 'data', '--to-pool', 'far', '--name', 'x'],
        t.io,
      ),
    ).toBe(1);
    expect(t.err.join('')).toMatch(/^E_CROSS_HOST/);
    const u = io();
    expect(await planCommand(['teleport', '--inventory', 'inv.json'], u.io)).toBe(2);
    expect(u.err.join('')).toMatch(/E_USAGE/);
    const m = io();
    expect(await planCommand(['move', '--inventory', 'missing.json'], m.io)).toBe(1);
    expect(m.err.join('')).toMatch(/E_NOT_FOUND/);
  });

  test('move --method: auto (default) renames within one file system, copy forces the copy, others are refused', async () => {
    const inv = world({ running: false });
    for (const p of inv.pools!)
      if (p.id === 'p1' || p.id === 'p2') Object.assign(p, { fs: { id: 'fs1', reflink: false } });
    const move = async (...more: string[]) => {
      const t = io({ 'inv.json': inv });
      const base = ['move', '--inventory', 'inv.json', '--volume', 'data', '--to-pool', 'p2', '--output=json'];
      const code = await planCommand([...base, ...more], t.io);
      return { code, err: t.err.join(''), plan: code === 0 ? JSON.parse(t.out.join('')) : undefined };
    };
    const steps = (p: { steps: { action: string }[] }) => p.steps.map((s) => s.action);
    const auto = await move();
    expect(auto.err).toBe('');
    expect(steps(auto.plan)).toEqual(['flush-volume', 'rename-volumes']);
    expect(steps((await move('--method', 'auto')).plan)).toEqual(['flush-volume', 'rename-volumes']);
    const copy = await move('--method', 'copy');
    expect(copy.err).toBe('');
    expect(copy.plan.request.method).toBe('copy');
    expect(steps(copy.plan)).toContain('copy-data');
    expect(steps(copy.plan)).toContain('delete-file');
    expect(steps(copy.plan)).not.toContain('rename-volumes');
    const bad = await move('--method=rename');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^E_PLAN_BAD_REQUEST.*method/);
    expect(verbHelp('plan')).toContain('[--method auto|copy]');
  });
});

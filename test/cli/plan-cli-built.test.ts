// `vdisk plan` as users run it: the built CLI (dist/cli.mjs, `npm run build`) as a child process,
// reading an inventory file, printing text or JSON, exiting 0 / 1 (refused) / 2 (usage).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { parsePlan } from '../../src/plan/plan-schema.js';
import { describeRun, runVdisk } from '../fixtures/vdisk-cli.js';
import { world } from '../plan/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'vdisk-plan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const inv = join(dir, 'inventory.json');
writeFileSync(inv, JSON.stringify(world({ secondDisk: true, snapshots: true })));

describe('vdisk plan (built CLI)', () => {
  test('--schema prints the JSON Schema of the plan, a union on kind', async () => {
    const r = await runVdisk(['plan', '--schema']);
    expect(r.status, describeRun(r)).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(
      schema.oneOf.map((k: { properties: { kind: { const: string } } }) => k.properties.kind.const).sort(),
    ).toEqual(['block-copy', 'clone', 'move', 'snapshot', 'snapshot-delete']);
    const request = await runVdisk(['plan', '--schema=request']);
    expect(JSON.parse(request.stdout).oneOf).toHaveLength(5);
  });

  test.each([
    ['move', ['--volume', 'snap2', '--to-pool', 'p2', '--shape', 'keep-chain', '--verify', 'metadata', '--wipe']],
    [
      'clone',
      ['--volume', 'data', '--to-pool', 'p2', '--name', 'c.qcow2', '--format', 'qcow2', '--capacity', String(2 ** 40)],
    ],
    [
      'block-copy',
      [
        '--vm',
        'vm1',
        '--disk',
        'vda',
        '--pool',
        'p2',
        '--name',
        'a.qcow2',
        '--flags',
        'copy|shallow',
        '--disk',
        'vdb',
        '--dest',
        '/pool2/b.img',
        '--flags',
        'copy,copy-raw',
      ],
    ],
    ['snapshot', ['--vm', 'vm1', '--name', 'before', '--disks', 'vda,vdb']],
    ['snapshot-delete', ['--vm', 'vm1', '--snapshot', 's1', '--mode', 'with-children']],
  ])('%s --output=json is a valid version 1 plan; --output=text names every step', async (kind, opts) => {
    const json = await runVdisk(['plan', kind, '--inventory', inv, ...opts, '--output=json', '--id-prefix', 'c']);
    expect(json.status, describeRun(json)).toBe(0);
    const p = parsePlan(JSON.parse(json.stdout));
    expect(p).toMatchObject({ version: 1, kind, host: 'h1' });
    const text = await runVdisk(['plan', kind, '--inventory', inv, ...opts, '--id-prefix', 'c']);
    expect(text.status, describeRun(text)).toBe(0);
    for (const s of p.steps) expect(text.stdout).toContain(s.label);
  });

  test('a refusal prints its stable code and exits 1; a usage error exits 2', async () => {
    const refused = await runVdisk(['plan', 'move', '--inventory', inv, '--volume', 'snap2', '--to-pool', 'far']);
    expect(refused.status, describeRun(refused)).toBe(1);
    expect(refused.stderr).toMatch(/E_CROSS_HOST/);
    const usage = await runVdisk([
      'plan',
      'move',
      '--inventory',
      inv,
      '--volume',
      'snap2',
      '--to-pool',
      'p2',
      '--output=yaml',
    ]);
    expect(usage.status, describeRun(usage)).toBe(2);
    expect(usage.stderr).toMatch(/E_USAGE/);
  });
});

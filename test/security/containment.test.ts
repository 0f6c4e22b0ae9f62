// Containment on plan objects (unit): every name each action carries passes the roots check, whoever
// made the plan. Plans come from the real planner over the planner's fixture world, its pool roots
// moved to real directories; then one name is turned into an escape. The table of names is checked
// against the action list and, on every planned call, against every path-like parameter.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { containCall, containConditions, containPlan, type World } from '../../src/agent/storage/containment.js';
import { Roots } from '../../src/agent/storage/roots.js';
import { ACTION_NAMES, namesOf } from '../../src/plan/action-names.js';
import { ACTIONS, type ActionCall } from '../../src/plan/actions.js';
import { counterIds } from '../../src/plan/ids.js';
import type { InventoryInput } from '../../src/plan/inventory.js';
import { parseInventory, planRequest } from '../../src/plan/plan.js';
import type { Plan } from '../../src/plan/plan-schema.js';
import { twoDisks, world } from '../plan/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'vdisk-contain-'));
for (const p of ['pool1', 'pool2']) mkdirSync(join(dir, p));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const roots = new Roots([
  { name: 'p1', dir: join(dir, 'pool1') },
  { name: 'p2', dir: join(dir, 'pool2') },
]);

/** The fixture world with its pools under `dir`. */
const here = (w: InventoryInput): InventoryInput => JSON.parse(JSON.stringify(w).replaceAll('"/pool', `"${dir}/pool`));
const worldOf = (w: InventoryInput): World => parseInventory(w);

function planned(req: Record<string, unknown>, w: InventoryInput): { plan: Plan; world: World } {
  const inv = here(w);
  return {
    plan: planRequest(JSON.parse(JSON.stringify(req).replaceAll('"/pool', `"${dir}/pool`)), inv, counterIds('t')),
    world: worldOf(inv),
  };
}

const copy = (flags: number, extra: Record<string, unknown> = {}) => ({
  kind: 'block-copy',
  vm: 'vm1',
  disks: [{ disk: 'vda', pool: 'p2', name: 'copy.qcow2', flags, ...extra }],
});

const legit: [string, () => { plan: Plan; world: World }][] = [
  [
    'move offline, keep-chain',
    () => planned({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, world({ running: false })),
  ],
  [
    'move offline by rename (pools on one file system)',
    () => {
      const w = world({ running: false });
      for (const p of w.pools!) Object.assign(p, { fs: { id: 'fs1', reflink: false } });
      return planned({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, w);
    },
  ],
  ['move live', () => planned({ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, world())],
  [
    'clone shallow',
    () =>
      planned(
        { kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'c.qcow2', shape: 'shallow' },
        world({ running: false }),
      ),
  ],
  ['block-copy full', () => planned(copy(8), world())],
  [
    'block-copy full, keep-copy, two disks',
    () =>
      planned(
        {
          ...copy(8),
          disks: [
            { disk: 'vda', pool: 'p2', name: 'a.qcow2', flags: 8 },
            { disk: 'vdb', pool: 'p2', name: 'b.qcow2', flags: 8 },
          ],
          finish: 'keep-copy',
        },
        world({ secondDisk: true }),
      ),
  ],
  ['block-copy shallow', () => planned(copy(9), world())],
  [
    'block-copy REUSE_EXT|SHALLOW',
    () =>
      planned(
        copy(11, { pool: undefined, name: undefined, path: '/pool2/pre.qcow2', format: 'qcow2' }),
        world({ preCreated: true }),
      ),
  ],
  ['snapshot', () => planned({ kind: 'snapshot', vm: 'vm1', name: 's3' }, twoDisks())],
  ['snapshot-delete below current', () => planned({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, twoDisks())],
  [
    'snapshot-delete with children',
    () => planned({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1', mode: 'with-children' }, twoDisks()),
  ],
];

const calls = (p: Plan): ActionCall[] =>
  p.steps.flatMap((s) => [{ action: s.action, params: s.params } as ActionCall, ...s.undo]);
const refused = (f: () => void, code: string) => expect(f).toThrow(expect.objectContaining({ code }));
const contain = (x: { plan: Plan; world: World }, allowRoot = false) => containPlan(roots, x.plan, x.world, allowRoot);

function tamper(x: { plan: Plan; world: World }, action: string, edit: (params: Record<string, unknown>) => void) {
  const call = calls(x.plan).find((c) => c.action === action && edit.length > 0);
  expect(call, `a ${action} call`).toBeDefined();
  edit(call!.params as Record<string, unknown>);
  return x;
}

describe('the table of names', () => {
  it('has an entry for every action and nothing else', () => {
    expect(Object.keys(ACTION_NAMES).sort()).toEqual([...ACTIONS].sort());
    for (const a of ACTIONS) expect(typeof ACTION_NAMES[a]).toBe('function');
  });

  it.each(legit)('names every path-like parameter of every call: %s', (_n, make) => {
    const { plan } = make();
    for (const call of calls(plan)) {
      const named = namesOf(call).flatMap((n) => (n.kind === 'path' ? [n.path] : n.kind === 'backing' ? [n.name] : []));
      const walk = (v: unknown, key = ''): void => {
        if (Array.isArray(v)) for (const x of v) walk(x, key);
        else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
        if (typeof v === 'string' && /(path|backingName|backingFile)$/i.test(key))
          expect(named, `${call.action}.${key}`).toContain(v);
      };
      walk(call.params);
    }
  });
});

describe('containment of plans', () => {
  it.each(legit)('lets a plan the planner made run: %s', (_n, make) => {
    expect(() => contain(make())).not.toThrow();
  });

  it.each([
    ['qmp-commit.backingFile, relative', 'qmp-commit', 'backingFile', '../../../../../../etc/shadow', twoDel],
    ['qmp-commit.backingFile, absolute', 'qmp-commit', 'backingFile', '/etc/shadow', twoDel],
    ['qmp-create-image.backingFile', 'qmp-create-image', 'backingFile', '/etc/shadow', () => planned(copy(9), world())],
    [
      'rebase-offline.backingName',
      'rebase-offline',
      'backingName',
      '../../../../etc/shadow',
      () => planned({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, twoDisks(false)),
    ],
  ])('refuses a backing name that leaves the roots: %s', (_n, action, key, name, make) => {
    refused(
      () =>
        contain(
          tamper(make(), action, (p) => {
            p[key] = name;
          }),
        ),
      'E_AGENT_BACKING_OUTSIDE_ROOTS',
    );
  });

  it('refuses a set-backing inventory op whose name leaves the roots (resolved against its volume)', () => {
    const x = twoDel();
    const op = calls(x.plan)
      .flatMap((c) => (c.action === 'inventory-update' ? c.params.ops : []))
      .find((o) => o.op === 'set-backing')!;
    expect(op).toBeDefined();
    (op as { backingName: string }).backingName = '../../../etc/shadow';
    refused(() => contain(x), 'E_AGENT_BACKING_OUTSIDE_ROOTS');
  });

  it('refuses a block-commit whose overlay it cannot place (a node no disk has)', () => {
    refused(
      () =>
        contain(
          tamper(twoDel(), 'qmp-commit', (p) => {
            p.top = 'n-nowhere';
          }),
        ),
      'E_AGENT_BACKING_OUTSIDE_ROOTS',
    );
  });

  it('at run time, a relative name whose image the store cannot place yet passes only without ..', () => {
    const checks = {
      roots,
      world: { volumes: [], vms: [] },
      owners: { allowRoot: false, sourceOwners: [] },
      strict: false,
    };
    const commit = (backingFile: string) =>
      ({
        action: 'qmp-commit',
        params: { vm: 'vm1', job: 'j', device: 'n', top: 'n-x', base: 'n-y', backingFile, active: false },
      }) as ActionCall;
    expect(() => containCall(commit('base.qcow2'), checks)).not.toThrow();
    refused(() => containCall(commit('../x/base.qcow2'), checks), 'E_AGENT_BACKING_OUTSIDE_ROOTS');
    refused(() => containCall(commit('/etc/shadow'), checks), 'E_AGENT_BACKING_OUTSIDE_ROOTS');
  });

  it('refuses a REUSE_EXT target outside the roots: the planner for the request, containment for a plan', () => {
    expect(() =>
      planned(copy(10, { pool: undefined, name: undefined, path: '/etc/shadow', format: 'qcow2' }), world()),
    ).toThrow(expect.objectContaining({ code: expect.stringMatching(/^E_PLAN_(PATH_OUTSIDE_POOL|UNKNOWN_VOLUME)$/) }));
    const x = planned(
      copy(11, { pool: undefined, name: undefined, path: '/pool2/pre.qcow2', format: 'qcow2' }),
      world({ preCreated: true }),
    );
    refused(
      () =>
        contain(
          tamper(x, 'check-target', (p) => {
            p.path = '/etc/shadow';
          }),
        ),
      'E_AGENT_PATH_OUTSIDE_ROOTS',
    );
  });

  it('refuses an unsafe mode and a root owner in any volume record a plan creates', () => {
    const clone = () =>
      planned({ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'c.qcow2' }, world({ running: false }));
    const record = (x: { plan: Plan }) =>
      (calls(x.plan).find((c) => c.action === 'create-volume')!.params as { volume: { mode: string; owner: string } })
        .volume;
    for (const mode of ['4755', '2750', '1700', '0606', '0777', '755', 'rwx']) {
      const x = clone();
      record(x).mode = mode;
      refused(() => contain(x), 'E_AGENT_UNSAFE_MODE');
    }
    const notRoots = (x: { plan: Plan; world: World }) => ({
      ...x,
      world: { ...x.world, volumes: x.world.volumes.map((v) => ({ ...v, owner: '1000' })) },
    });
    const x = notRoots(clone());
    record(x).owner = 'root';
    refused(() => contain(x), 'E_AGENT_OWNER_ROOT');
    expect(() => contain(x, true)).not.toThrow();
    const y = clone(); // the fixture's volumes belong to root (the schema's default owner)
    record(y).owner = '0';
    expect(() => contain(y)).not.toThrow();
  });

  it('refuses precondition and postcondition paths outside the roots, and links out of them', () => {
    for (const path of ['/etc/shadow', `${dir}/pool1/../x`, 'relative/x']) {
      refused(
        () => containConditions(roots, { preconditions: [{ check: 'file-exists', path }], postconditions: [] }),
        'E_AGENT_PATH_OUTSIDE_ROOTS',
      );
      refused(
        () =>
          containConditions(roots, {
            preconditions: [],
            postconditions: [{ check: 'volume-path', volume: 'v', path }],
          }),
        'E_AGENT_PATH_OUTSIDE_ROOTS',
      );
    }
  });
});

function twoDel() {
  return planned({ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1' }, twoDisks());
}

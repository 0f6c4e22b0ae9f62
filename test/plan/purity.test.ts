// Issue 5: the planner is pure TypeScript: no I/O, no clock, no randomness, ids injected. Checked
// in the source (nothing that could do I/O or read the time is imported or called) and in behaviour
// (the same request, inventory and ids give the same plan, and the inputs are not changed).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { counterIds } from '../../src/plan/ids.js';
import { planRequest } from '../../src/plan/plan.js';
import { twoDisks, world } from './fixtures.js';

const root = new URL('../../src/plan/', import.meta.url).pathname;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });

describe('the planner is pure', () => {
  test('no module of src/plan imports Node, the network, or reads the clock or randomness', () => {
    const banned = [
      /from ['"]node:/,
      /from ['"](fs|path|os|child_process|net|http|crypto)['"]/,
      /\bprocess\./,
      /Date\.now|new Date\(/,
      /Math\.random/,
      /\bfetch\(/,
      /\brequire\(/,
    ];
    const found = files(root).flatMap((f) => {
      const text = readFileSync(f, 'utf8');
      return banned.filter((re) => re.test(text)).map((re) => `${f.slice(root.length)}: ${re}`);
    });
    expect(found).toEqual([]);
    expect(files(root).length).toBeGreaterThan(30);
  });

  test.each([
    [{ kind: 'move', volume: 'snap2', toPool: 'p2', shape: 'keep-chain' }, world()],
    [{ kind: 'clone', volume: 'snap2', toPool: 'p2', name: 'c' }, world({ running: false })],
    [{ kind: 'block-copy', vm: 'vm1', disks: [{ disk: 'vda', pool: 'p2', name: 'c', flags: 9 }] }, world()],
    [{ kind: 'snapshot', vm: 'vm1', name: 'x' }, twoDisks()],
    [{ kind: 'snapshot-delete', vm: 'vm1', snapshot: 's1', mode: 'with-children' }, twoDisks()],
  ])('%o: same inputs and ids, same plan; inputs untouched', (req, inv) => {
    const before = JSON.stringify([req, inv]);
    const a = planRequest(req, inv, counterIds('z'));
    const b = planRequest(req, inv, counterIds('z'));
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify([req, inv])).toBe(before);
    const other = planRequest(req, inv, counterIds('y'));
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(a)); // ids come from the source given, nowhere else
  });
});

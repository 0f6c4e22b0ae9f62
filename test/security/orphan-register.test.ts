// A hand-edited orphan register (STATE/orphans.json) is state the agent wrote, not trusted input:
// the wrong shape, entries of the wrong types, entries outside the roots or a file too big to read
// whole never stop the inventory (every build reads the register) and never mark a file an orphan
// on their say. The agent logs what it left out, with a stable code, and keeps serving.
import { lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogFields } from '../../src/agent/log.js';
import { qemuImg, testAgent, type TestAgent } from '../agent/helpers.js';

let t: TestAgent;
const logged: { event: string; fields?: LogFields }[] = [];
afterEach(async () => {
  logged.length = 0;
  await t?.close();
});

const register = () => join(t.config.stateDir, 'orphans.json');
interface Vol {
  path: string;
  state: string;
  orphanOf?: string;
}
async function inventory(): Promise<{ status: number; volumes: Vol[] }> {
  const res = await t.req('GET', '/v1/inventory');
  const body = (await res.json()) as { volumes?: Vol[] };
  return { status: res.status, volumes: body.volumes ?? [] };
}

/** Two real images in p1 and the register entries that would make each job-000000000001's orphan. */
async function images(): Promise<{ path: string; entry: Record<string, string>; other: Record<string, string> }> {
  t = await testAgent({}, (event, fields) => logged.push({ event, fields }));
  const entryOf = (name: string) => {
    const path = join(t.pool('p1'), name);
    qemuImg('create', '-q', '-f', 'qcow2', path, '4M');
    const st = lstatSync(path, { bigint: true });
    return { path, job: 'job-000000000001', dev: String(st.dev), ino: String(st.ino), reason: 'hand-made' };
  };
  const entry = entryOf('a.qcow2');
  return { path: entry.path, entry, other: entryOf('b.qcow2') };
}

const unreadable = () => logged.filter((l) => l.event === 'orphans-unreadable').map((l) => l.fields?.code);

describe('a hand-edited orphan register', () => {
  it('an object, not a list: the inventory still answers, nothing is marked, the register is logged', async () => {
    const { path, entry } = await images();
    writeFileSync(register(), JSON.stringify({ entries: [entry] }));
    const inv = await inventory();
    expect(inv.status).toBe(200);
    expect(inv.volumes.find((v) => v.path === path)?.state).toBe('ok');
    expect(unreadable()).toContain('E_AGENT_STATE_BAD');
  });

  // Each bad entry names the second image, b.qcow2: it must stay an ordinary volume.
  const shapes: [string, (o: Record<string, string>) => unknown][] = [
    ['a null entry', () => null],
    ['an entry whose path is a number', (o) => ({ ...o, path: 5 })],
    ['an entry whose dev is an object', (o) => ({ ...o, dev: {} })],
    ['an entry whose job is no job id', (o) => ({ ...o, job: 'x'.repeat(100_000) })],
    ['an entry whose reason is a list', (o) => ({ ...o, reason: ['a'] })],
  ];
  for (const [what, make] of shapes) {
    it(`${what}: the inventory still answers, the good entry still counts, the bad one is left out and logged`, async () => {
      const { path, entry, other } = await images();
      writeFileSync(register(), JSON.stringify([make(other), entry]));
      const inv = await inventory();
      expect(inv.status).toBe(200);
      expect(inv.volumes.find((v) => v.path === path)).toMatchObject({ state: 'orphan', orphanOf: entry.job });
      expect(inv.volumes.find((v) => v.path === other.path)?.state).toBe('ok');
      expect(unreadable()).toEqual(['E_AGENT_STATE_BAD']);
    });
  }

  it('an entry naming a file outside the roots is dropped, never looked at', async () => {
    const { path, entry, other } = await images();
    const outside = join(t.dir, 'outside.img'); // next to the pools, in no root
    writeFileSync(outside, 'x');
    writeFileSync(register(), JSON.stringify([{ ...entry, path: outside }, entry]));
    const inv = await inventory();
    expect(inv.status).toBe(200);
    expect(inv.volumes.map((v) => [v.path, v.state]).sort()).toEqual([
      [path, 'orphan'],
      [other.path, 'ok'],
    ]);
    expect(unreadable()).toContain('E_AGENT_PATH_OUTSIDE_ROOTS');
  });

  it('a symlink at the temporary name the register is written through is not written through', async () => {
    const { path, entry } = await images();
    const outside = join(t.dir, 'precious.txt');
    writeFileSync(outside, 'precious\n');
    symlinkSync(outside, `${register()}.tmp`);
    // An entry whose file is gone: the next build drops it and writes the register again.
    writeFileSync(register(), JSON.stringify([{ ...entry, path: join(t.pool('p1'), 'gone.qcow2') }, entry]));
    const inv = await inventory();
    expect(inv.status).toBe(200);
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(lstatSync(register()).isFile()).toBe(true);
    expect(inv.volumes.find((v) => v.path === path)?.state).toBe('orphan');
  });

  it('a register past the size limit is not read whole: logged E_AGENT_STATE_TOO_LARGE, it marks nothing', async () => {
    const { path, entry } = await images();
    // Valid JSON the old reader took whole: the entry, then 17 MiB of blanks.
    writeFileSync(register(), `[${JSON.stringify(entry)}${' '.repeat(17 << 20)}]`);
    const inv = await inventory();
    expect(inv.status).toBe(200);
    expect(inv.volumes.find((v) => v.path === path)?.state).toBe('ok');
    expect(unreadable()).toContain('E_AGENT_STATE_TOO_LARGE');
  });
});

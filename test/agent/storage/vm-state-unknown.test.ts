// A VM whose QEMU is there but does not answer (busy, or still holding the connection of an agent
// killed a moment ago) is not "not running": the inventory keeps it as last seen running, after one
// more try on a fresh session. Only a VM whose QEMU is gone (no socket, nothing listening) reads as off.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { qemuImg, testAgent, type TestAgent } from '../helpers.js';

type Inv = { vms: { id: string; running: boolean; disks: { nodes: unknown[] }[] }[] };

/** QEMU-shaped but broken: sends the greeting, then drops the connection at the first command. */
function droppingQmp(path: string): Promise<Server> {
  const server = createServer((s) => {
    s.write(
      `${JSON.stringify({ QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 } }, capabilities: [] } })}\r\n`,
    );
    s.once('data', () => s.destroy());
    s.on('error', () => {});
  });
  return new Promise((r) => server.listen(path, () => r(server)));
}

describe('VM state when QEMU does not answer', () => {
  let dir: string;
  let agent: TestAgent | undefined;
  let server: Server | undefined;
  afterEach(async () => {
    await agent?.agent.close();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    rmSync(dir, { recursive: true, force: true });
  });

  /** A pool with the VM's disk, and the store's record of the VM as last seen running. */
  async function start(socket: string) {
    dir = mkdtempSync(join(tmpdir(), 'vsu-'));
    for (const p of ['p1', 'p2', 'state']) mkdirSync(join(dir, p));
    qemuImg('create', '-q', '-f', 'qcow2', join(dir, 'p1', 'disk.qcow2'), '16M');
    const nodes = [{ volume: 'p1:disk.qcow2', node: 'top', fileNode: 'top-file' }];
    const vm = { id: 'vm1', host: 'h1', running: true, disks: [{ target: 'vda', volume: 'p1:disk.qcow2', nodes }] };
    writeFileSync(
      join(dir, 'state', 'inventory.json'),
      JSON.stringify({ volumes: [], snapshots: [], vms: [vm], applied: [] }),
      { mode: 0o600 },
    );
    return {
      roots: ['p1', 'p2'].map((name) => ({ name, dir: join(dir, name) })),
      stateDir: join(dir, 'state'),
      vms: [{ name: 'vm1', socket: join(dir, socket) }],
    };
  }

  it('QEMU there but dropping the session: reported as last seen running (before: running false, plans refused E_PLAN_VM_NOT_RUNNING)', async () => {
    const over = await start('vm1.sock');
    server = await droppingQmp(join(dir, 'vm1.sock'));
    agent = await testAgent(over);
    const inv = (await (await agent.req('GET', '/v1/inventory')).json()) as Inv;
    expect(inv.vms).toHaveLength(1);
    expect(inv.vms[0]).toMatchObject({ id: 'vm1', running: true });
    expect(inv.vms[0]!.disks[0]!.nodes).toHaveLength(1);
  });

  it('a socket file nobody listens on (QEMU gone): off', async () => {
    const over = await start('vm1.sock');
    writeFileSync(join(dir, 'vm1.sock'), ''); // not a socket: connect answers ECONNREFUSED
    agent = await testAgent(over);
    const inv = (await (await agent.req('GET', '/v1/inventory')).json()) as Inv;
    expect(inv.vms[0]).toMatchObject({ id: 'vm1', running: false });
  });
});

// The client facing a peer that breaks the protocol. A scripted unix-socket server stands in for
// QEMU here: real QEMU never sends these, which is why they need a fake.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';
import { QmpClient } from '../../../src/qmp/client.js';

const GREETING = JSON.stringify({
  QMP: { version: { qemu: { major: 7, minor: 2, micro: 0 }, package: '' }, capabilities: [] },
});

let dir: string | undefined;
let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/** Serves one scripted peer; `onLine` gets each line the client sends. */
async function fakeQmp(
  onConnect: (s: Socket) => void,
  onLine: (s: Socket, msg: { execute: string; id: string }) => void = () => undefined,
) {
  dir = mkdtempSync(join(tmpdir(), 'vp-'));
  const path = join(dir, 'qmp.sock');
  server = createServer((s) => {
    let buf = '';
    s.setEncoding('utf8').on('data', (chunk: string) => {
      buf += chunk;
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        onLine(s, JSON.parse(buf.slice(0, i)) as { execute: string; id: string });
        buf = buf.slice(i + 1);
      }
    });
    onConnect(s);
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return path;
}

const negotiating = (s: Socket, msg: { execute: string; id: string }) => {
  if (msg.execute === 'qmp_capabilities') s.write(`${JSON.stringify({ return: {}, id: msg.id })}\r\n`);
};

describe('QMP client protocol errors', () => {
  it('fails with E_QMP_CONNECT when nothing listens', { timeout: 5_000 }, async () => {
    const error = await QmpClient.connect('/tmp/vdisk-no-such-qmp.sock').catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_QMP_CONNECT')).toBe(true);
  });

  it('reassembles a greeting split across packets', { timeout: 5_000 }, async () => {
    const path = await fakeQmp((s) => {
      s.write(GREETING.slice(0, 10));
      setTimeout(() => s.write(`${GREETING.slice(10)}\r\n`), 20);
    }, negotiating);
    const qmp = await QmpClient.connect(path);
    expect(qmp.greeting.QMP.version.qemu.minor).toBe(2);
    await qmp.close();
  });

  it('matches replies by id even when they come back out of order', { timeout: 5_000 }, async () => {
    const held: Array<{ execute: string; id: string }> = [];
    const path = await fakeQmp(
      (s) => s.write(`${GREETING}\n`),
      (s, msg) => {
        if (msg.execute === 'qmp_capabilities') return negotiating(s, msg);
        held.push(msg);
        if (held.length < 3) return;
        // Answer the last command first; each reply echoes its command's name.
        for (const m of held.reverse()) s.write(`${JSON.stringify({ return: m.execute, id: m.id })}\n`);
      },
    );
    const qmp = await QmpClient.connect(path);
    const replies = await Promise.all(['first', 'second', 'third'].map((c) => qmp.execute<string>(c)));
    expect(replies).toEqual(['first', 'second', 'third']);
    await qmp.close();
  });

  it('rejects a peer whose first message is not a greeting', { timeout: 5_000 }, async () => {
    const path = await fakeQmp((s) => s.write('{"return": {}}\n'));
    const error = await QmpClient.connect(path).catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_QMP_PROTOCOL')).toBe(true);
  });

  it('times out a peer that never greets', { timeout: 5_000 }, async () => {
    const path = await fakeQmp(() => undefined);
    const error = await QmpClient.connect(path, { connectTimeoutMs: 200 }).catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_QMP_TIMEOUT')).toBe(true);
  });

  it('ends the session on a line that is not JSON, rejecting the pending command', { timeout: 5_000 }, async () => {
    const path = await fakeQmp(
      (s) => s.write(`${GREETING}\n`),
      (s, msg) => {
        if (msg.execute === 'qmp_capabilities') negotiating(s, msg);
        else s.write('this is not json\n');
      },
    );
    const qmp = await QmpClient.connect(path);
    const error = await qmp.execute('query-status').catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_QMP_PROTOCOL')).toBe(true);
    expect(qmp.isOpen).toBe(false);
    expect(isVdiskError(await qmp.closed, 'E_QMP_PROTOCOL')).toBe(true);
  });

  it('ends the session on a reply that matches no command', { timeout: 5_000 }, async () => {
    const path = await fakeQmp(
      (s) => s.write(`${GREETING}\n`),
      (s, msg) => {
        if (msg.execute === 'qmp_capabilities') negotiating(s, msg);
        else s.write(`${JSON.stringify({ return: {}, id: 'someone-else' })}\n`);
      },
    );
    const qmp = await QmpClient.connect(path);
    const error = await qmp.execute('query-status').catch((e: unknown) => e);
    expect(isVdiskError(error, 'E_QMP_PROTOCOL')).toBe(true);
  });
});

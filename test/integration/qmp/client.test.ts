// The QMP client against a real QEMU: negotiation, concurrent commands matched by id, events,
// QEMU's error replies, a QEMU that stops answering (timeout) or dies (disconnect).
import { afterEach, describe, expect, it } from 'vitest';
import { isVdiskError } from '../../../src/errors/vdisk-error.js';
import { isQmpCommandError } from '../../../src/qmp/errors.js';
import { Transcript } from '../../../src/qmp/transcript.js';
import { startQemu, type QemuInstance } from '../../helpers/qemu.js';

let vm: QemuInstance | undefined;
afterEach(async () => {
  await vm?.stop();
  vm = undefined;
}, 10_000);

describe('QMP client on qemu-system-x86_64 -machine none', () => {
  it('reads the greeting and negotiates capabilities', { timeout: 10_000 }, async () => {
    const transcript = new Transcript();
    vm = await startQemu({ transcript });
    expect(vm.qmp.greeting.QMP.version.qemu.major).toBeGreaterThanOrEqual(7);
    expect(transcript.commands()).toEqual([{ execute: 'qmp_capabilities', arguments: undefined }]);
    // Commands only work after negotiation: this one would be refused in capabilities mode.
    const status = await vm.qmp.execute<{ status: string }>('query-status');
    expect(status.status).toBe('running');
    await vm.qmp.execute('no-such-command').catch(() => undefined);
    // Every reply is kept with its command, in socket order (the recorded-session replay needs them).
    expect(transcript.entries.map((e) => e.type)).toEqual([
      'command',
      'return',
      'command',
      'return',
      'command',
      'error',
    ]);
    expect(transcript.entries[3]).toEqual({ type: 'return', execute: 'query-status', return: status });
  });

  it('matches concurrent replies to their commands', { timeout: 10_000 }, async () => {
    vm = await startQemu();
    const qmp = vm.qmp;
    const names = Array.from({ length: 12 }, (_, i) => `mem${i}`);
    const sizeOf = (i: number) => (i + 1) * 64 * 1024;
    // Each object has its own size, so each qom-get reply can only belong to one command.
    await Promise.all(
      names.map((id, i) => qmp.execute('object-add', { 'qom-type': 'memory-backend-ram', id, size: sizeOf(i) })),
    );
    const sizes = names.map((id) => qmp.execute<number>('qom-get', { path: `/objects/${id}`, property: 'size' }));
    const lists = names.map((id) => qmp.execute<Array<{ name: string }>>('qom-list', { path: `/objects/${id}` }));
    const version = qmp.execute<{ qemu: { major: number } }>('query-version');
    expect(await Promise.all(sizes)).toEqual(names.map((_, i) => sizeOf(i)));
    for (const list of await Promise.all(lists)) expect(list.map((p) => p.name)).toContain('size');
    expect((await version).qemu.major).toBe(vm.qmp.greeting.QMP.version.qemu.major);
    const ids = (await qmp.execute<Array<{ name: string }>>('qom-list', { path: '/objects' })).map((p) => p.name);
    expect(ids).toEqual(expect.arrayContaining(names));
  });

  it('delivers events to subscribers and to waitForEvent', { timeout: 10_000 }, async () => {
    const transcript = new Transcript();
    vm = await startQemu({ transcript });
    const seen: string[] = [];
    const unsubscribe = vm.qmp.onEvent((e) => seen.push(e.event));
    const stopEvent = vm.qmp.waitForEvent('STOP', () => true, 5_000);
    await vm.qmp.execute('stop');
    expect((await stopEvent).event).toBe('STOP');
    const resumeEvent = vm.qmp.waitForEvent('RESUME', () => true, 5_000);
    await vm.qmp.execute('cont');
    await resumeEvent;
    expect(seen).toEqual(['STOP', 'RESUME']);
    unsubscribe();
    const again = vm.qmp.waitForEvent('STOP', () => true, 5_000);
    await vm.qmp.execute('stop');
    await again;
    expect(seen).toEqual(['STOP', 'RESUME']); // no longer subscribed
    expect(transcript.events().map((e) => e.event)).toEqual(['STOP', 'RESUME', 'STOP']);
  });

  it('turns error replies into E_QMP_COMMAND with QEMU class and desc', { timeout: 10_000 }, async () => {
    vm = await startQemu();
    const unknown = await vm.qmp.execute('no-such-command').catch((e: unknown) => e);
    expect(isQmpCommandError(unknown, 'CommandNotFound')).toBe(true);
    const missing = await vm.qmp.execute('blockdev-del', { 'node-name': 'ghost' }).catch((e: unknown) => e);
    expect(isQmpCommandError(missing, 'GenericError')).toBe(true);
    expect((missing as { detail: { desc: string } }).detail.desc).toMatch(/ghost/);
    // The session survives an error reply.
    expect(await vm.qmp.execute('query-status')).toMatchObject({ status: 'running' });
  });

  it('times out a command QEMU does not answer, and drops the late reply', { timeout: 10_000 }, async () => {
    vm = await startQemu();
    vm.process.kill('SIGSTOP');
    const late = await vm.qmp.execute('query-status', undefined, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(isVdiskError(late, 'E_QMP_TIMEOUT')).toBe(true);
    const noEvent = await vm.qmp.waitForEvent('STOP', () => true, 200).catch((e: unknown) => e);
    expect(isVdiskError(noEvent, 'E_QMP_TIMEOUT')).toBe(true);
    vm.process.kill('SIGCONT');
    // The late reply to the timed-out command arrives first and must not be taken for this one.
    expect(await vm.qmp.execute('query-version')).toHaveProperty('qemu');
    expect(vm.qmp.isOpen).toBe(true);
  });

  it('rejects pending commands and event waiters when QEMU dies mid-command', { timeout: 10_000 }, async () => {
    vm = await startQemu();
    vm.process.kill('SIGSTOP'); // QEMU holds the command unanswered until it is killed
    const pending = vm.qmp.execute('query-status').catch((e: unknown) => e);
    const waiter = vm.qmp.waitForEvent('STOP', () => true, 5_000).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 100));
    await vm.kill('SIGKILL');
    const error = await pending;
    expect(isVdiskError(error, 'E_QMP_DISCONNECTED')).toBe(true);
    expect((error as { detail: { command: string } }).detail.command).toBe('query-status');
    expect(isVdiskError(await waiter, 'E_QMP_DISCONNECTED')).toBe(true);
    expect(vm.qmp.isOpen).toBe(false);
    expect(isVdiskError(await vm.qmp.execute('query-status').catch((e: unknown) => e), 'E_QMP_DISCONNECTED')).toBe(
      true,
    );
  });
});

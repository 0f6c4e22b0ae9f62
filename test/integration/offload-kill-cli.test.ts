// `vdisk convert` killed in the middle of an offloaded copy (issue 16): on a reflink XFS loop mount,
// the built CLI runs under strace with every copy_file_range held on entry (agent/held-syscall.ts),
// so the SIGKILL lands while a copy call is known to be in progress. No file appears at the target's
// name (the copy went to `.NAME.vdisk-PID.part`); the next convert to that name removes the dead
// process's temporary and writes a copy identical to the source, sharing its data (offloaded).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountLoopFs, sharedBytes, type LoopFs } from '../helpers/loop-fs.js';
import { holdCopyFileRange, inSyscall, SYS_COPY_FILE_RANGE, traced, until } from './agent/held-syscall.js';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;
const MiB = 1 << 20;
let fs: LoopFs;
beforeAll(() => {
  fs = mountLoopFs('xfs', 512);
}, 60_000);
afterAll(() => fs?.close());

/** Dead and reaped: a zombie still counts as running for the next run's sweep (kill(pid, 0) succeeds). */
const reaped = (pid: number) => !existsSync(`/proc/${pid}`);

describe('SIGKILL in the middle of an offloaded vdisk convert', () => {
  it('leaves nothing at the target name; the next convert sweeps the temporary and copies whole', {
    timeout: 120_000,
  }, async () => {
    const src = join(fs.dir, 'src.raw');
    const dst = join(fs.dir, 'dst.raw');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', src, '64M']);
    const writes = [0, 16, 32].flatMap((m) => ['-c', `write -P ${m + 1} ${m}M 4M`]);
    execFileSync('qemu-io', ['-f', 'raw', ...writes, src], { stdio: 'ignore' });
    const [cmd, ...pre] = holdCopyFileRange(600);
    const st = spawn(cmd!, [...pre, process.execPath, CLI, 'convert', '-O', 'raw', src, dst], { stdio: 'ignore' });
    const exited = new Promise((r) => st.once('exit', r));
    const pid = await until('the CLI to start under strace', () => {
      try {
        return traced(st.pid!);
      } catch {
        return undefined;
      }
    });
    await until('a thread in copy_file_range', () => (inSyscall(pid, SYS_COPY_FILE_RANGE) ? true : undefined));
    process.kill(pid, 'SIGKILL');
    st.kill('SIGKILL'); // strace would wait out its delay; the CLI is then reaped by init
    await exited;
    await until('the CLI to be gone', () => (reaped(pid) ? true : undefined));
    expect(readdirSync(fs.dir).sort()).toEqual([`.dst.raw.vdisk-${pid}.part`, 'src.raw']);

    execFileSync(process.execPath, [CLI, 'convert', '-O', 'raw', src, dst]);
    expect(readdirSync(fs.dir).sort()).toEqual(['dst.raw', 'src.raw']);
    execFileSync('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', src, dst]);
    expect(sharedBytes(dst)).toBe(12 * MiB);
  });
});

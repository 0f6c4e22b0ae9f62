// Holding one system call: a process started under `strace --seccomp-bpf -e inject=SYSCALL:delay_enter=N`
// is stopped on entry to every call of that system call for N seconds (only that call is traced; the
// process's other threads run on). A test can then act while the call is known to be in progress — no
// race with the kernel's speed: copy_file_range on a reflink file system otherwise takes milliseconds.
// The traced process is strace's only child; /proc shows which system call a thread is in.
import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { requireTool } from '../../helpers/tools.js';

/** x86_64's number for copy_file_range(2) (arch/x86/entry/syscalls/syscall_64.tbl). */
export const SYS_COPY_FILE_RANGE = 326;

/** argv to prepend: every copy_file_range waits `seconds` before it runs. */
export function holdCopyFileRange(seconds: number): string[] {
  return [
    requireTool('strace'),
    '-f',
    '--seccomp-bpf',
    '-qq',
    '-o',
    '/dev/null',
    '-e',
    'trace=copy_file_range',
    '-e',
    `inject=copy_file_range:delay_enter=${seconds * 1_000_000}`,
  ];
}

/** The Node process strace runs (its child running Node: strace first forks a probe of its own). */
export function traced(stracePid: number): number {
  const kids = readFileSync(`/proc/${stracePid}/task/${stracePid}/children`, 'utf8').trim().split(/\s+/);
  const node = kids.filter((k) => {
    try {
      return k !== '' && readlinkSync(`/proc/${k}/exe`) === realpathSync(process.execPath);
    } catch {
      return false;
    }
  });
  if (node.length !== 1) throw new Error(`strace ${stracePid} runs no Node process yet ([${kids.join(' ')}])`);
  return Number(node[0]);
}

/** True when one of `pid`'s threads is inside system call `nr` now (/proc/PID/task/TID/syscall). */
export function inSyscall(pid: number, nr: number): boolean {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return false;
  }
  return tasks.some((t) => {
    try {
      return Number(readFileSync(`/proc/${pid}/task/${t}/syscall`, 'utf8').split(' ')[0]) === nr;
    } catch {
      return false;
    }
  });
}

/** Polls `f` every 40 ms until it gives a value (throws after `ms`). */
export async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

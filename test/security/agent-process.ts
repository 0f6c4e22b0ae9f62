// The built agent (`node dist/cli.mjs agent ...`) in its own process, so a test can measure what a
// hostile request costs it (VmRSS from /proc) and talk to it over a real socket, HTTP or HTTPS.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
export const CLI = join(ROOT, 'dist/cli.mjs');
export const SECRET = 'a security test secret, long enough';

export interface AgentProc {
  child: ChildProcess;
  dir: string;
  stateDir: string;
  /** `HOST:PORT` it listens on. */
  address: string;
  /** Everything it wrote on stderr so far. */
  log(): string;
  /** Resident set size now, in bytes. */
  rss(): number;
  stop(): Promise<void>;
}

/** A temp dir with one pool `p1`, a 0600 secret file and a state dir. */
export function agentDir(): { dir: string; secretFile: string; stateDir: string; pool: string } {
  const dir = mkdtempSync(join(tmpdir(), 'vsec-'));
  const pool = join(dir, 'p1');
  mkdirSync(pool);
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, SECRET, { mode: 0o600 });
  return { dir, secretFile, stateDir: join(dir, 'state'), pool };
}

/** Starts the agent and waits for its `listening` line; rejects with its stderr if it exits first. */
export function spawnAgent(args: string[], d = agentDir()): Promise<AgentProc> {
  const child = spawn(
    process.execPath,
    [CLI, 'agent', '--root', `p1=${d.pool}`, '--secret-file', d.secretFile, '--state-dir', d.stateDir, ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      log += s;
      const m = /"event":"listening","address":"([^"]+)"/.exec(log);
      if (m)
        resolve({
          child,
          dir: d.dir,
          stateDir: d.stateDir,
          address: m[1]!,
          log: () => log,
          rss: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) * 1024,
          stop: async () => {
            if (child.exitCode === null) {
              child.kill('SIGTERM');
              await exited;
            }
          },
        });
    });
    child.once('exit', (code) => reject(new Error(`agent exited (${code}) before listening: ${log}`)));
  });
}

/** Runs the agent CLI to its end (for options it must refuse); answers its exit code and stderr. */
export function runAgentToExit(
  args: string[],
  d = agentDir(),
): Promise<{ code: number | null; stderr: string; listening: boolean }> {
  const child = spawn(
    process.execPath,
    [CLI, 'agent', '--root', `p1=${d.pool}`, '--secret-file', d.secretFile, '--state-dir', d.stateDir, ...args],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve) => {
    child.stderr!.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      // An agent that starts listening has accepted the options: stop it and report that.
      if (/"event":"listening"/.test(stderr)) child.kill('SIGTERM');
    });
    child.once('exit', (code) => resolve({ code, stderr, listening: /"event":"listening"/.test(stderr) }));
  });
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

// The agent as its own process (`vdisk agent`, bundled from src/agent/cli.ts for the test), so a
// test can SIGKILL it mid-plan and start it again on the same journal. Calls go over its unix socket,
// signed like the gateway's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { signRequest } from '../../../src/auth/hmac.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
let bundle: Promise<string> | undefined;

/** Bundles the agent verb once per test file (node_modules/ so its packages and dist/'s engine resolve). */
export function agentBundle(): Promise<string> {
  bundle ??= (async () => {
    const dir = join(ROOT, 'node_modules', '.vdisk-agent-test');
    mkdirSync(dir, { recursive: true });
    const out = join(dir, `agent-${process.pid}.mjs`);
    process.once('exit', () => rmSync(out, { force: true }));
    await build({
      stdin: {
        contents:
          "import { agentCommand } from './src/agent/cli.ts';\n" +
          'agentCommand(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) })' +
          '.then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });\n',
        resolveDir: ROOT,
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      packages: 'external',
      logLevel: 'error',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    return out;
  })();
  return bundle;
}

export interface AgentProcess {
  child: ChildProcess;
  log(): string;
  call(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: any }>;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAgentProcess(
  args: string[],
  socket: string,
  secretFile: string,
  secret: string,
  /** A command the agent runs under (`strace ...`): argv before Node's; `child` is then that command. */
  wrap: string[] = [],
): Promise<AgentProcess> {
  writeFileSync(secretFile, secret, { mode: 0o600 });
  const argv = [await agentBundle(), ...args, '--listen', `unix:${socket}`, '--secret-file', secretFile];
  const [cmd, ...pre] = wrap.length ? [...wrap, process.execPath] : [process.execPath];
  const child = spawn(cmd!, [...pre, ...argv], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (log += s));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const call: AgentProcess['call'] = async (method, path, body, headers = {}) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    // Over a unix socket Node sends `Host: localhost`; the name is the one given with --name.
    const agent = args[args.indexOf('--name') + 1] ?? '';
    const signed = await signRequest(secret, { agent, method, url: `http://localhost${path}`, headers, body: text });
    return new Promise((resolve, reject) => {
      const req = request(
        {
          socketPath: socket,
          method,
          path,
          headers: { ...signed, ...headers, ...(text ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          let data = '';
          res
            .setEncoding('utf8')
            .on('data', (d: string) => (data += d))
            .on('end', () => resolve({ status: res.statusCode!, json: data ? JSON.parse(data) : undefined }));
        },
      );
      req.on('error', reject);
      req.end(text);
    });
  };
  // Ready once it has recovered its journal and answers health.
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`agent exited at start: ${log}`);
    const ok = await call('GET', '/v1/health').then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok && /"event":"recovered"/.test(log)) break;
    if (Date.now() > deadline) throw new Error(`agent did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    call,
    log: () => log,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

// `vdisk gateway` as a real child process in front of one fake agent: the CLI bundled once per file,
// the agent's secret and a write token in files (0600), the URL read from its "listening on" line.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { FakeAgent } from './fake-agent.js';
import { rand } from './setup.js';

/** Bundles the CLI into `dir/cli.mjs` (koffi stays external: it loads its own prebuilt binary). */
export async function bundleCli(dir: string): Promise<void> {
  await build({
    entryPoints: [join(process.cwd(), 'src/cli/main.ts')],
    outfile: join(dir, 'cli.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    external: ['koffi'],
    logLevel: 'error',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

export interface GatewayProcess {
  child: ChildProcessWithoutNullStreams;
  token: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Its exit code, once it exits. */
  exited: Promise<number | null>;
  /** Its base URL, once it listens (rejects if it exits first). */
  url: Promise<string>;
}

export function spawnGateway(dir: string, agent: FakeAgent): GatewayProcess {
  const token = `w${rand()}`;
  writeFileSync(join(dir, 'alpha.secret'), `${agent.secret}\n`, { mode: 0o600 });
  writeFileSync(join(dir, 'tokens'), `write ${token}\n`, { mode: 0o600 });
  const args = ['gateway', '--agent', `alpha=${agent.url},secret-file=${join(dir, 'alpha.secret')}`];
  args.push('--token-file', join(dir, 'tokens'), '--listen', '127.0.0.1:0');
  const child = spawn(process.execPath, [join(dir, 'cli.mjs'), ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    exited.then(() => reject(new Error(`exited early: ${out}`)));
  });
  url.catch(() => undefined); // a test that never asks for the URL must not see an unhandled rejection
  return { child, token, output: () => out, exited, url };
}

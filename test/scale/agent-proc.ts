// A real agent in its own process (the agent verb bundled from src/ with esbuild, into dist/ so its
// packages resolve from node_modules and the engine's wasm from dist/), listening on
// loopback TCP: started on port 0, killed with SIGKILL, and started again on the same port with the
// same state dir, so the gateways' configuration stays valid and the agent recovers from its journal.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const bundles = new Map<string, Promise<string>>();

/** Bundles one CLI verb (`agentCommand` from src/agent/cli.ts, `gatewayCommand` from src/gateway/cli.ts) once per process into `outDir`. */
export function verbBundle(root: string, outDir: string, verb: 'agent' | 'gateway'): Promise<string> {
  const out = join(outDir, `${verb}.mjs`);
  const fn = `${verb}Command`;
  if (!bundles.has(out))
    bundles.set(
      out,
      (async () => {
        mkdirSync(outDir, { recursive: true });
        await build({
          stdin: {
            contents:
              `import { ${fn} } from './src/${verb}/cli.ts';\n` +
              `${fn}(process.argv.slice(2), { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) })` +
              '.then((c) => process.exit(c), (e) => { console.error(e); process.exit(1); });\n',
            resolveDir: root,
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
      })(),
    );
  return bundles.get(out)!;
}

export interface AgentSpec {
  name: string;
  roots: Record<string, string>;
  vmSocket: string;
  stateDir: string;
  secret: string;
  dir: string;
  /** `--adopt` for the generated images (VOLUME=FORMAT): their formats are stated, not probed. */
  adopt: string[];
}

export class AgentProc {
  private child?: ChildProcess;
  private exited?: Promise<void>;
  /** HOST:PORT once started. */
  address = '';
  /** stderr of every run, for diagnostics. */
  log = '';
  restarts = 0;

  constructor(
    readonly spec: AgentSpec,
    private readonly bundle: string,
  ) {}

  get url(): string {
    return `http://${this.address}`;
  }

  async start(): Promise<void> {
    const s = this.spec;
    const secretFile = join(s.dir, 'secret');
    writeFileSync(secretFile, s.secret, { mode: 0o600 });
    const listen = this.address || '127.0.0.1:0';
    const args = [
      this.bundle,
      '--name',
      s.name,
      ...Object.entries(s.roots).flatMap(([n, d]) => ['--root', `${n}=${d}`]),
      '--qmp',
      `${s.name}vm=${s.vmSocket}`,
      ...s.adopt.flatMap((a) => ['--adopt', a]),
      '--state-dir',
      s.stateDir,
      '--listen',
      listen,
      '--secret-file',
      secretFile,
      '--heartbeat-ms',
      '1000',
      '--job-timeout-ms',
      '120000',
    ];
    // The node_modules beside the bundle are the repo's (packages stay external).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: s.dir });
    this.child = child;
    this.exited = new Promise((r) => child.once('exit', () => r()));
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        this.log += d;
        const m = /"event":"listening","address":"([^"]+)"/.exec(out);
        if (m) this.address = m[1]!;
        if (m && /"event":"recovered"/.test(out)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`agent ${s.name} exited (${code}) at start: ${out.slice(-2000)}`)));
    });
  }

  /** SIGKILL: no chance to finish a step, close a file or say goodbye. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  async restart(): Promise<void> {
    await this.kill();
    this.restarts++;
    await this.start();
  }

  async stop(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child?.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }
}

// `vdisk start` as a person runs it (the built CLI): it prints a login link, serves the console and
// the gateway on 127.0.0.1, runs the demo VM, and Ctrl-C (SIGINT) stops everything with exit code 0.
import { describe, expect, it } from 'vitest';
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../helpers/tools.js';

const CLI = new URL('../../../dist/cli.mjs', import.meta.url).pathname;

function vmProcesses(dir: string): string {
  try {
    return execFileSync('pgrep', ['-af', `qemu-system-x86_64.*${dir}`], { encoding: 'utf8' });
  } catch {
    return '';
  }
}

describe('vdisk start (the CLI)', () => {
  it('prints a login link, serves, and stops cleanly on Ctrl-C', async () => {
    requireTool('qemu-system-x86_64');
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
    const dir = mkdtempSync(join(tmpdir(), 'vdisk-start-cli-'));
    const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--dir', join(dir, 'demo')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    try {
      let out = '';
      const link = await new Promise<string>((ok, fail) => {
        child.stdout.setEncoding('utf8').on('data', (s: string) => {
          out += s;
          const m = /(http:\/\/127\.0\.0\.1:\d+\/)#login=(\d+\.[\w-]+\.[\w-]+)/.exec(out);
          if (m) ok(m[0]);
        });
        exited.then((code) => fail(new Error(`vdisk start exited with ${code}: ${out}`)));
      });
      const base = link.slice(0, link.indexOf('#'));
      expect(await (await fetch(`${base}v1/health`)).json()).toEqual({ ok: true, agents: ['local'] });
      expect((await fetch(base)).headers.get('content-type')).toContain('text/html');
      expect(vmProcesses(dir)).toContain('demo-vm.qmp');
      child.kill('SIGINT');
      expect(await exited).toBe(0);
      await expect(fetch(`${base}v1/health`)).rejects.toThrow();
      expect(vmProcesses(dir)).toBe('');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

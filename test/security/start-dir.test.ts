// Attack: `vdisk start --dir` pointed (by mistake or by a script) at a directory holding someone's
// files deleted that whole directory before writing the demo; without --dir it used a guessable
// directory under the temp dir that another local user could create first. Now a directory with
// files it did not write is refused and left alone; one it wrote before (its marker) is reused
// and only its own files are replaced; the default is a fresh private mkdtemp directory.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const CLI = new URL('../../dist/cli.mjs', import.meta.url).pathname;

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `vdisk start --no-vm`; once it serves, Ctrl-C (SIGINT). Answers how it ended. */
function start(...args: string[]): Promise<Run> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build`);
  const child = spawn(process.execPath, [CLI, 'start', '--no-vm', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let stopping = false;
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    out += s;
    if (!stopping && out.includes('Ctrl-C stops everything')) {
      stopping = true;
      child.kill('SIGINT');
    } // once: a second Ctrl-C kills
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    err += s;
  });
  return new Promise((ok) => child.once('exit', (code) => ok({ code, out, err })));
}

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('vdisk start never deletes what it did not write', () => {
  it('refuses --dir on a directory holding a file, and the file survives', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vstart-'));
    writeFileSync(join(dir, 'thesis.txt'), 'four years of work');
    const run = await start('--dir', dir);
    expect(readFileSync(join(dir, 'thesis.txt'), 'utf8')).toBe('four years of work');
    expect(run.code).not.toBe(0);
    expect(run.err).toContain('E_START_DIR_NOT_EMPTY');
  });

  it('reuses a directory it made before, replacing only its own files', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vstart-'));
    const demo = join(dir, 'demo');
    expect((await start('--dir', demo)).code).toBe(0);
    writeFileSync(join(demo, 'pool-b', 'my-copy.qcow2'), 'made in the demo, kept');
    mkdirSync(join(demo, 'notes'));
    writeFileSync(join(demo, 'notes', 'n.txt'), 'mine');
    expect((await start('--dir', demo)).code).toBe(0);
    expect(readFileSync(join(demo, 'pool-b', 'my-copy.qcow2'), 'utf8')).toBe('made in the demo, kept');
    expect(readFileSync(join(demo, 'notes', 'n.txt'), 'utf8')).toBe('mine');
    expect(existsSync(join(demo, 'pool-a', 'disk.qcow2'))).toBe(true);
  });

  it('without --dir uses a fresh private directory and removes it at stop', async () => {
    dir = mkdtempSync(join(tmpdir(), 'vstart-')); // unused; keeps afterEach uniform
    const run = await start();
    const used = /demo pools in (\S+)/.exec(run.out)?.[1];
    expect(used).toMatch(/\/vdisk-start-[A-Za-z0-9]{6}$/);
    expect(run.code).toBe(0);
    expect(existsSync(used!)).toBe(false);
  });
});

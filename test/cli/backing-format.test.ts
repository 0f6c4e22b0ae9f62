// A backing file is never opened in a guessed format: create -b, convert -B and rebase -b need -F FMT
// (or backing_fmt in -o), refused with E_USAGE before anything is written; -F is checked even with
// rebase -b "" (which removes the backing file). src/cli/verbs/args.ts backingOf, shared by the three.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeRun, runVdisk } from '../fixtures/vdisk-cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vdisk-backing-format-'));
  writeFileSync(join(dir, 'base.raw'), new Uint8Array(1 << 16));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a backing file needs -F', () => {
  test.each([
    [['create', '-f', 'qcow2', '-b', 'base.raw', 'new.qcow2', '1M'], 'vdisk create: E_USAGE: -b needs -F FMT'],
    [
      ['create', '-f', 'qcow2', '-o', 'backing_file=base.raw', 'new.qcow2', '1M'],
      'vdisk create: E_USAGE: -b needs -F FMT',
    ],
    [['convert', '-O', 'qcow2', '-B', 'base.raw', 'base.raw', 'new.qcow2'], 'vdisk convert: E_USAGE: -B needs -F FMT'],
    [['rebase', '-b', 'base.raw', 'base.raw'], 'vdisk rebase: E_USAGE: -b needs -F FMT'],
    [['rebase', '-b', '', '-F', 'vmdk', 'base.raw'], 'vdisk rebase: E_FORMAT_UNSUPPORTED: backing format vmdk'],
  ])('%j is refused', async (args, line) => {
    const r = await runVdisk(args, { cwd: dir });
    expect(r.status, describeRun(r)).toBe(1);
    expect(r.stderr).toContain(line);
    expect(readdirSync(dir)).toEqual(['base.raw']);
  });

  test('with -F the backing file is taken', async () => {
    const r = await runVdisk(['create', '-f', 'qcow2', '-b', 'base.raw', '-F', 'raw', 'top.qcow2'], { cwd: dir });
    expect(r.status, describeRun(r)).toBe(0);
    const info = await runVdisk(['info', '--output=json', 'top.qcow2'], { cwd: dir });
    expect(JSON.parse(info.stdout)['backing-filename-format']).toBe('raw');
    rmSync(join(dir, 'top.qcow2'));
  });
});

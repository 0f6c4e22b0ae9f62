// Option values the verbs check alike (src/cli/verbs/args.ts) and the hints the CLI gives for
// them: --output other than human/json is refused as qemu-img refuses it (info used to print human
// output for --output=xml), an unsupported format names what to do for a target, and an invalid
// creation option points at the verb's own help rather than at qemu-img's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { describeRun, runVdisk } from '../fixtures/vdisk-cli.js';

let dir: string;
let img: string;

describe('option values', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vdisk-option-values-'));
    img = join(dir, 'a.raw');
    writeFileSync(img, new Uint8Array(1 << 20));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const args of [['info'], ['map'], ['check'], ['measure', '-O', 'qcow2']]) {
    test(`${args[0]} --output=xml is refused with E_USAGE and names the verb's help`, async () => {
      const r = await runVdisk([...args, '--output=xml', img], { cwd: dir });
      expect(r.status, describeRun(r)).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        `vdisk ${args[0]}: E_USAGE: --output must be human or json (got xml) — see vdisk help ${args[0]}`,
      );
    });
  }

  test('--output=json and human still work', async () => {
    const j = await runVdisk(['info', '--output=json', img], { cwd: dir });
    expect(JSON.parse(j.stdout)['virtual-size']).toBe(1 << 20);
    const h = await runVdisk(['info', '--output', 'human', img], { cwd: dir });
    expect(h.stdout).toContain('file format: raw');
  });

  test('an unsupported target format says how to get there; a source format says what to do', async () => {
    const t = await runVdisk(['convert', '-O', 'vmdk', img, join(dir, 'x.vmdk')], { cwd: dir });
    expect(t.stderr).toContain(
      'E_FORMAT_UNSUPPORTED: target format vmdk is not supported (raw, qcow2) — write raw or qcow2, then convert that with qemu-img',
    );
    const s = await runVdisk(['info', '-f', 'vmdk', img], { cwd: dir });
    expect(s.stderr).toContain(
      'E_FORMAT_UNSUPPORTED: image format vmdk is not supported (raw, qcow2) — convert it with qemu-img first',
    );
  });

  test("an invalid creation option points at the verb's help", async () => {
    const r = await runVdisk(['create', '-f', 'qcow2', '-o', 'cluster_size=3', join(dir, 'y.qcow2'), '1G'], {
      cwd: dir,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/E_BAD_OPTION: cluster_size must be .* — see vdisk help create\n$/);
  });
});

// Free space is checked when the copy runs, not taken from the plan (allocation drifts): a target
// file system with less room than the source's allocation now refuses the copy with
// E_AGENT_POOL_FULL before a byte is written. The small file system is a real 4 MiB tmpfs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentContext } from '../../src/agent/context.js';
import { Roots } from '../../src/agent/storage/roots.js';
import { checkRoomForCopy } from '../../src/agent/storage/space-check.js';
import { qemuImg, qemuIo } from '../agent/helpers.js';

let dir = '';
afterEach(() => {
  execFileSync('umount', [join(dir, 'small')]);
  rmSync(dir, { recursive: true, force: true });
});

function setup(dataMiB: number) {
  dir = mkdtempSync(join(tmpdir(), 'vfull-'));
  for (const d of ['big', 'small']) mkdirSync(join(dir, d));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', join(dir, 'small')]);
  const src = join(dir, 'big', 'a.qcow2');
  qemuImg('create', '-q', '-f', 'qcow2', src, '16M');
  qemuIo(src, `write -P 0x11 0 ${dataMiB}M`);
  const ctx = {
    roots: new Roots([
      { name: 'big', dir: join(dir, 'big') },
      { name: 'small', dir: join(dir, 'small') },
    ]),
    store: { data: { volumes: [] } },
    log: () => {},
  } as unknown as AgentContext;
  return { ctx, src, target: join(dir, 'small', 'b.qcow2') };
}

describe('free space at copy time', () => {
  it('a source with more allocated bytes than the target pool has free: E_AGENT_POOL_FULL, nothing written', () => {
    const { ctx, src, target } = setup(6);
    expect(() => checkRoomForCopy(ctx, { sourcePath: src, targetPath: target, depth: 'flatten' })).toThrow(
      expect.objectContaining({
        code: 'E_AGENT_POOL_FULL',
        message: expect.stringMatching(/^pool 'small' has \d+ bytes free, the copy needs \d+$/),
      }),
    );
    expect(readdirSync(join(dir, 'small'))).toEqual([]);
  });

  it('a source that fits passes', () => {
    const { ctx, src, target } = setup(1);
    expect(() => checkRoomForCopy(ctx, { sourcePath: src, targetPath: target, depth: 'top' })).not.toThrow();
  });
});

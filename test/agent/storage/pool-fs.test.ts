// A pool's file system identity is the mount, not only the device: two directories on one mount share
// it (rename works between them), a bind mount of the same directory tree does not (rename(2) across
// the two mounts fails with EXDEV, which is what the planner must not promise). Mount points with
// spaces are read from /proc/self/mountinfo's octal escapes. Real mounts (the tests run as root).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountIdOf, poolFs } from '../../../src/agent/storage/pool-fs.js';

const base = mkdtempSync(join(tmpdir(), 'vpoolfs-'));
const [a, b, bound] = ['a', 'b', 'bound'].map((d) => join(base, d));
for (const d of [a, b, bound]) mkdirSync(d);
execFileSync('mount', ['--bind', b, bound]);
afterAll(() => {
  execFileSync('umount', [bound]);
  rmSync(base, { recursive: true, force: true });
});

describe('pool file system identity', () => {
  it('two directories on one mount share an id; rename between them works', () => {
    expect(poolFs(a)).toEqual(poolFs(b));
    expect(poolFs(a)!.id).toMatch(/^dev\d+-mnt\d+$/);
    writeFileSync(join(a, 'f'), 'x');
    renameSync(join(a, 'f'), join(b, 'f'));
  });

  it('a bind mount of the same device is another id: rename across it fails with EXDEV', () => {
    expect(poolFs(bound)!.id).not.toBe(poolFs(a)!.id);
    writeFileSync(join(a, 'g'), 'x');
    expect(() => renameSync(join(a, 'g'), join(bound, 'g'))).toThrow(expect.objectContaining({ code: 'EXDEV' }));
  });

  it('reads mount points with escaped spaces and takes the longest (last listed) one', () => {
    const info = [
      '21 1 8:1 / / rw - ext4 /dev/sda1 rw',
      '30 21 8:2 / /srv/my\\040pools rw - xfs /dev/sdb rw',
      '31 30 8:2 / /srv/my\\040pools rw - xfs /dev/sdb rw',
      '32 21 8:3 / /srv/my rw - ext4 /dev/sdc rw',
    ].join('\n');
    expect(mountIdOf('/srv/my pools/p1', info)).toBe('31');
    expect(mountIdOf('/srv/my/p1', info)).toBe('32');
    expect(mountIdOf('/srv/mypools', info)).toBe('21');
  });

  it('a root that cannot be read reports no file system (the planner then copies)', () => {
    expect(poolFs(join(base, 'missing'))).toBeUndefined();
  });
});

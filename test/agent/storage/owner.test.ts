import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOwner, resolveOwner } from '../../../src/agent/storage/owner.js';

const passwd = () => 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/usr/sbin/nologin\n';

describe('volume owner', () => {
  it('resolves names through passwd and takes numbers as they are', () => {
    expect(resolveOwner('nobody', passwd)).toEqual({ uid: 65534, gid: 65534 });
    expect(resolveOwner('1234', passwd)).toEqual({ uid: 1234, gid: -1 });
    expect(resolveOwner('no-such-user', passwd)).toBeUndefined();
  });

  it('gives the file to the owner when running as root, or logs why not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vdisk-owner-'));
    try {
      const f = join(dir, 'v.qcow2');
      writeFileSync(f, '');
      const events: string[] = [];
      applyOwner(f, '65534', (e) => events.push(e));
      if (process.getuid?.() === 0) expect(statSync(f).uid).toBe(65534);
      else expect(events).toContain('owner-not-applied');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

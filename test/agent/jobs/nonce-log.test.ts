// The spent-nonce log: a nonce spent before a restart is still spent after it, one older than the
// window is forgotten, and the file is compacted to the live window (bounded by traffic in a window).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PersistentNonces } from '../../../src/agent/jobs/nonce-log.js';

const now = 1_700_000_000_000;
const W = 60_000;
const nonce = (i: number) => `nonce-${String(i).padStart(12, '0')}`;
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('PersistentNonces', () => {
  it('keeps spent nonces across a restart for two windows, in a 0600 file', () => {
    dir = mkdtempSync(join(tmpdir(), 'vnl-'));
    const file = join(dir, 'nonces.log');
    const a = new PersistentNonces(file, now);
    expect(a.remember(nonce(1), now)).toBe(true);
    expect(a.remember(nonce(1), now + 1)).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(new PersistentNonces(file, now + W).remember(nonce(1), now + W)).toBe(false);
    expect(new PersistentNonces(file, now + 2 * W + 1).remember(nonce(1), now + 2 * W + 1)).toBe(true);
  });

  it('skips lines it cannot read and compacts to the live nonces', () => {
    dir = mkdtempSync(join(tmpdir(), 'vnl-'));
    const file = join(dir, 'nonces.log');
    writeFileSync(file, `garbage\n${now - 3 * W} ${nonce(0)}\n${now} ${nonce(1)}\n`, { mode: 0o600 });
    const log = new PersistentNonces(file, now);
    expect(readFileSync(file, 'utf8')).toBe(`${now} ${nonce(1)}\n`);
    // 3000 calls spread over 6 windows: the file never holds much more than two windows' worth.
    let most = 0;
    for (let i = 2; i < 3002; i++) {
      const t = now + i * 120;
      expect(log.remember(nonce(i), t)).toBe(true);
      most = Math.max(most, readFileSync(file, 'utf8').split('\n').length - 1);
    }
    expect(most).toBeLessThanOrEqual(2 * ((2 * W) / 120) + 2);
  });
});

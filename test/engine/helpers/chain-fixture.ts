// A small 3-layer chain for the write-side tests: raw base, qcow2 middle, qcow2 top, with data at
// every depth, zero clusters over non-zero backing data (write -z), and an unaligned write.
import { join } from 'node:path';
import { MiB, raw } from '../../fixtures/fixture.js';
import { overlay } from '../../fixtures/images-chains.js';

export interface TestChain {
  dir: string;
  base: string;
  mid: string;
  top: string;
  size: number;
}

export function buildChain(dir: string, topOptions: Record<string, string | number> = {}): TestChain {
  raw(dir, 'base.raw', 16 * MiB, ['write -P 0x11 0 6M', 'write -P 0x12 10M 1M']);
  overlay(dir, 'mid.qcow2', 'base.raw', 'raw', undefined, {}, [
    'write -P 0x22 1M 2M',
    'write -z 4M 512k',
    'write -P 0x23 12M 100k',
  ]);
  overlay(dir, 'top.qcow2', 'mid.qcow2', 'qcow2', undefined, topOptions, [
    'write -P 0x33 2M 64k',
    'write -z 0 128k',
    'write -z 5M 64k',
    'write -P 0x34 7340544 3000',
    'write -P 0x35 15M 1M',
  ]);
  return { dir, base: join(dir, 'base.raw'), mid: join(dir, 'mid.qcow2'), top: join(dir, 'top.qcow2'), size: 16 * MiB };
}

// Table entries naming clusters at or past 2 GiB: the low half has bit 31 set, which a JS `&` turns
// negative. Every reader of host offsets goes through host-offset.ts.
import { describe, expect, it } from 'vitest';
import { entryOffset, entryOffsetAt, refTableOffsetAt } from '../../../src/engine/qcow2/host-offset.js';

const entry = (hiWord: number, loWord: number) => {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setUint32(0, hiWord);
  dv.setUint32(4, loWord);
  return dv;
};

describe('host offsets of qcow2 table entries', () => {
  it('keeps an offset with bit 31 set positive (a cluster at 2 GiB and at 3.5 GiB)', () => {
    expect(entryOffset(0x80000000, 0x80000000)).toBe(2 ** 31);
    expect(entryOffsetAt(entry(0x80000000, 0xe0000000), 0)).toBe(3.5 * 2 ** 30);
  });
  it('drops the COPIED/compressed flag bits and the low 9 bits, keeps bits 32-55', () => {
    expect(entryOffset(0xc0000001, 0x000101ff)).toBe(2 ** 32 + 0x10000);
    expect(entryOffset(0x00ffffff, 0xfffffe00)).toBe(2 ** 56 - 512);
  });
  it('reads refcount table entries with all high bits (bits 9-63)', () => {
    expect(refTableOffsetAt(entry(0x00000001, 0x80000000), 0)).toBe(2 ** 32 + 2 ** 31);
  });
});

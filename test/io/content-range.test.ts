import { describe, expect, it } from 'vitest';
import { parseContentRange } from '../../src/io/content-range.js';

describe('parseContentRange', () => {
  it.each([
    ['bytes 0-0/1024', { first: 0, last: 0, complete: 1024 }],
    ['bytes 100-199/*', { first: 100, last: 199, complete: undefined }],
    ['bytes */4398046511104', { first: undefined, last: undefined, complete: 4398046511104 }],
    ['BYTES 1-2/3', { first: 1, last: 2, complete: 3 }],
  ])('reads %s', (header, expected) => {
    expect(parseContentRange(header)).toEqual(expected);
  });

  it.each([null, '', 'bytes 5-4/10', 'bytes 0-10/10', 'items 0-1/2', 'bytes 0-1', 'bytes 1-2/99999999999999999999'])(
    'refuses %s',
    (header) => {
      expect(parseContentRange(header)).toBeUndefined();
    },
  );
});

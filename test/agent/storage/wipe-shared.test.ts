// The wipe's split of data runs into zero-in-place and punch, from filefrag -v output as e2fsprogs
// prints it (taken from an XFS with a reflink clone whose 11th block was rewritten).
import { describe, expect, it } from 'vitest';
import { parseFilefrag, splitRuns } from '../../../src/agent/storage/wipe-shared.js';

const OUT = `Filesystem type is: 58465342
File size of b is 4194304 (1024 blocks of 4096 bytes)
 ext:     logical_offset:        physical_offset: length:   expected: flags:
   0:        0..       9:         24..        33:     10:             shared
   1:       10..      10:       1058..      1058:      1:         34:
   2:       11..    1023:         35..      1047:   1013:       1059: last,shared,eof
b: 3 extents found
`;

describe('wipe-shared', () => {
  it('reads the shared extents as byte ranges', () => {
    expect(parseFilefrag(OUT)).toEqual([
      [0, 40960],
      [45056, 1013 * 4096],
    ]);
    expect(parseFilefrag('garbage')).toEqual([]);
  });

  it('punches what lies in shared extents and zeroes the rest, cutting runs at their edges', () => {
    const shared = parseFilefrag(OUT);
    expect(splitRuns([[0, 4194304]], shared)).toEqual({
      zero: [[40960, 4096]],
      punch: [
        [0, 40960],
        [45056, 4149248],
      ],
    });
    expect(
      splitRuns(
        [
          [36864, 12288],
          [5 << 20, 4096],
        ],
        shared,
      ),
    ).toEqual({
      zero: [
        [40960, 4096],
        [5 << 20, 4096],
      ],
      punch: [
        [36864, 4096],
        [45056, 4096],
      ],
    });
    expect(splitRuns([[0, 8192]], [])).toEqual({ zero: [[0, 8192]], punch: [] });
  });
});

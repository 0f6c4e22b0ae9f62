// Allocation runs from an ovirt-imageio style endpoint: `GET .../extents?context=zero` answers
// `[{start, length, zero, hole}]` for the whole image. `hole` (newer imageio) means unallocated;
// without it nothing is known about allocation, so the run counts as data.
import type { ZeroAwareExtent } from './extent-list.js';
import { checkExtentList } from './extent-list.js';
import { VdiskError } from '../errors/vdisk-error.js';

interface ImageioExtent {
  start: number;
  length: number;
  zero?: boolean;
  hole?: boolean;
}

/** The extents URL with `context=zero` unless the caller chose a context. */
export function extentsRequestUrl(extentsUrl: string): string {
  const u = new URL(extentsUrl);
  if (!u.searchParams.has('context')) u.searchParams.set('context', 'zero');
  return u.toString();
}

export function parseImageioExtents(body: unknown, name: string): ZeroAwareExtent[] {
  if (!Array.isArray(body)) throw new VdiskError('E_IO', `extents from ${name} are not a JSON array`, { path: name });
  const list = body.map((raw: unknown, i): ZeroAwareExtent => {
    const e = raw as ImageioExtent;
    if (typeof e !== 'object' || e === null || typeof e.start !== 'number' || typeof e.length !== 'number') {
      throw new VdiskError('E_IO', `extent ${i} from ${name} lacks start or length`, {
        path: name,
        field: `extents[${i}]`,
      });
    }
    return { start: e.start, length: e.length, data: e.hole !== true, zero: e.zero === true || e.hole === true };
  });
  checkExtentList(list, name, 'E_IO');
  return list;
}

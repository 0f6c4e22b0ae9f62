// GET /v1/jobs pages: newest first (createdAt, then id, descending), `limit` per page (default 100,
// at most 500), and an opaque `next` cursor naming the last job given. Jobs started later never shift
// a page (they sort before it), and jobs that move to the history file stay in the order, so paging
// through with `next` gives every job once.
import { VdiskError } from '../../errors/vdisk-error.js';
import type { Job, JobStatus } from './job.js';
import { compareNewestFirst, type JobHistory } from './job-history.js';

export const PAGE_DEFAULT = 100;
export const PAGE_MAX = 500;

export interface JobPage {
  jobs: JobStatus[];
  next: string | null;
}
interface Place {
  createdAt: string;
  id: string;
}

export function parsePageQuery(
  limit: string | undefined,
  cursor: string | undefined,
): { limit: number; after?: Place } {
  const n = limit === undefined ? PAGE_DEFAULT : /^\d{1,4}$/.test(limit) ? Number(limit) : NaN;
  if (!(n >= 1 && n <= PAGE_MAX))
    throw new VdiskError('E_AGENT_BAD_PAGE', `limit must be 1 to ${PAGE_MAX}`, { field: 'limit' });
  return { limit: n, ...(cursor !== undefined && { after: decodeCursor(cursor) }) };
}

export function pageJobs(live: Iterable<Job>, history: JobHistory, limit: number, after?: Place): JobPage {
  const isAfter = (p: Place) => !after || compareNewestFirst(after, p) < 0;
  const mine = [...live].filter((j) => isAfter(j)).sort(compareNewestFirst);
  const liveIds = new Set(mine.map((j) => j.id));
  const past = history.newestFirst();
  // The first history entry after the cursor (entries are sorted: binary search).
  let lo = 0;
  for (let hi = past.length; lo < hi; ) {
    const mid = (lo + hi) >> 1;
    if (isAfter(past[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  const out: JobStatus[] = [];
  let i = 0;
  let more = false;
  while (i < mine.length || lo < past.length) {
    const h = past[lo];
    if (h && liveIds.has(h.id)) {
      lo++;
      continue;
    }
    if (out.length === limit) {
      more = true;
      break;
    }
    if (h && (i >= mine.length || compareNewestFirst(h, mine[i]!) < 0)) {
      const s = history.get(h.id);
      lo++;
      if (s) out.push(s);
    } else out.push(mine[i++]!.status());
  }
  const last = out.at(-1);
  return { jobs: out, next: more && last ? encodeCursor(last) : null };
}

const encodeCursor = (p: Place) => Buffer.from(JSON.stringify([p.createdAt, p.id])).toString('base64url');

function decodeCursor(cursor: string): Place {
  try {
    if (cursor.length > 400) throw new Error('long');
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      return { createdAt: v[0], id: v[1] };
  } catch {
    /* answered below */
  }
  throw new VdiskError('E_AGENT_BAD_PAGE', 'cursor is not one this agent gave', { field: 'cursor' });
}

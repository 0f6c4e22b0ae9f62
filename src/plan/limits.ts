// Bounds on everything a request or a plan carries, so a hostile body costs bounded memory and time
// before any check looks at its meaning. A path is at most PATH_MAX (4096 on Linux); names and ids
// get the same bound (nothing legitimate is longer); prose (labels, summaries) may quote paths.
import { z } from 'zod';

export const MAX_TEXT = 4096;
export const MAX_PROSE = 256 * 1024;
/** Disks of one VM in one request (libvirt's own limits are far above any real VM). */
export const MAX_DISKS = 64;
/** Steps, undo calls, conditions, inventory ops and node chains of one plan. */
export const MAX_ITEMS = 4096;

/** A name, id or path. */
export const text = () => z.string().max(MAX_TEXT);
/** A label, summary or retry hint. */
export const prose = () => z.string().max(MAX_PROSE);

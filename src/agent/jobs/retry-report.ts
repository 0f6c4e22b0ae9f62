// The part of a job's run report a retry plan is built from (its orphans and stuck steps), read back
// from the journal or the history file: state the agent wrote, but checked before it is used, so a
// hand-edited report is refused with E_AGENT_STATE_BAD and a place, never run and never a crash.
import { z } from 'zod';
import { VdiskError } from '../../errors/vdisk-error.js';
import { ActionCallSchema } from '../../plan/actions.js';
import type { RunReport } from '../../plan/execute.js';
import { MAX_ITEMS, prose, text } from '../../plan/limits.js';

const OrphanSchema = z.object({
  path: text().optional(),
  cleanup: ActionCallSchema,
  reason: prose(),
  fromUndo: z.boolean().optional(),
});
const RetryPartSchema = z.object({
  orphans: z.array(OrphanSchema).max(MAX_ITEMS),
  retry: z.array(ActionCallSchema).max(MAX_ITEMS),
});

export type RetryPart = Pick<RunReport, 'orphans' | 'retry'>;

/** The report's orphans and stuck steps, checked; E_AGENT_STATE_BAD naming where it is not as written. */
export function retryPart(job: string, report: unknown): RetryPart {
  const r = RetryPartSchema.safeParse(report);
  if (r.success) return r.data as RetryPart;
  const where = r.error.issues[0]?.path.join('.') ?? '';
  throw new VdiskError(
    'E_AGENT_STATE_BAD',
    `the report journaled for job ${job} is not one the agent writes (at ${where || 'its top'}): nothing was run`,
    { job, field: where },
  );
}

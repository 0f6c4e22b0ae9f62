import { describe, expect, test } from 'vitest';
import {
  JOB_STATUSES,
  JOB_TRANSITIONS,
  JOB_VERB_STATUSES,
  JOB_VERBS,
  assertVerb,
  canTransition,
  verbAllowed,
} from '../../src/qmp/job-states.js';

describe('QEMU job state tables (job.c)', () => {
  test('every status is a row and only names known statuses', () => {
    expect(Object.keys(JOB_TRANSITIONS).sort()).toEqual([...JOB_STATUSES].sort());
    for (const next of Object.values(JOB_TRANSITIONS)) for (const s of next) expect(JOB_STATUSES).toContain(s);
    expect(Object.keys(JOB_VERB_STATUSES).sort()).toEqual([...JOB_VERBS].sort());
  });

  test('the mirror lifecycle with manual finalize and dismiss is a path through the table', () => {
    const path = [
      'created',
      'running',
      'ready',
      'standby',
      'ready',
      'waiting',
      'pending',
      'concluded',
      'null',
    ] as const;
    for (let i = 1; i < path.length; i++)
      expect(canTransition(path[i - 1]!, path[i]!), `${path[i - 1]}->${path[i]}`).toBe(true);
  });

  test('null is final and concluded only leads to null', () => {
    expect(JOB_TRANSITIONS.null).toEqual([]);
    expect(JOB_TRANSITIONS.concluded).toEqual(['null']);
    expect(canTransition('running', 'concluded')).toBe(false);
    expect(canTransition('paused', 'ready')).toBe(false);
  });

  test('complete only when ready (or standby), finalize only when pending, dismiss only when concluded', () => {
    const allowed = (verb: (typeof JOB_VERBS)[number]) => JOB_STATUSES.filter((s) => verbAllowed(verb, s));
    expect(allowed('complete')).toEqual(['ready', 'standby']);
    expect(allowed('finalize')).toEqual(['pending']);
    expect(allowed('dismiss')).toEqual(['concluded']);
    expect(allowed('cancel')).not.toContain('concluded');
    expect(allowed('cancel')).toContain('pending');
  });

  test('a pivot before ready is refused with its own code', () => {
    expect(() => assertVerb('complete', 'running', 'j1')).toThrow(
      expect.objectContaining({ code: 'E_PLAN_PIVOT_BEFORE_READY' }),
    );
    expect(() => assertVerb('dismiss', 'pending', 'j1')).toThrow(
      expect.objectContaining({ code: 'E_JOB_VERB_REFUSED' }),
    );
    expect(() => assertVerb('complete', 'ready', 'j1')).not.toThrow();
  });
});

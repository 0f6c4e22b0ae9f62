// Every verb's options table, by verb name, in the order `vdisk help` lists them.
import { AGENT, GATEWAY } from './daemons.js';
import { COMMIT, REBASE, RESIZE } from './edit.js';
import { CHECK, COMPARE, INFO, MAP } from './image.js';
import type { VerbSpec } from './row.js';
import { JOB, PLAN, START } from './service.js';
import { CONVERT, CREATE, MEASURE } from './write.js';

export const VERB_SPECS: Readonly<Record<string, VerbSpec>> = {
  info: INFO,
  map: MAP,
  compare: COMPARE,
  check: CHECK,
  convert: CONVERT,
  create: CREATE,
  measure: MEASURE,
  commit: COMMIT,
  rebase: REBASE,
  resize: RESIZE,
  start: START,
  plan: PLAN,
  job: JOB,
  gateway: GATEWAY,
  agent: AGENT,
};

// Recording of a live scenario's QMP exchange for the replay test (test/plan/qmp-replay.test.ts):
// with VDISK_RECORD_QMP=1 (npm run record-qmp), a scenario given a name writes
// test/fixtures/qmp/<name>.jsonl, one JSON object a line: the scenario, then in socket order every
// command, reply and event, with a `run` line (request, inventory, plan) where each plan was
// submitted and a `step` line where the agent started or ended a step. Normalised: the temp dir
// becomes /rec and QEMU's QMP socket /rec/qmp.sock, QEMU's generated node names #blockN are numbered
// by first appearance, the host file system's capacity and free space in the inventory's pools get
// fixed values; QEMU's timestamps were never recorded. Nothing else is changed.
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { LogFields } from '../../../src/agent/log.js';
import type { Inventory } from '../../../src/plan/inventory.js';
import type { Plan } from '../../../src/plan/plan-schema.js';
import type { Transcript } from '../../../src/qmp/transcript.js';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/qmp/', import.meta.url));
/** The path every recording's temp dir is replaced with. */
export const REC_DIR = '/rec';

export interface Recorder {
  /** A plan about to be submitted, with what it was made from. */
  run(prefix: string, request: Record<string, unknown>, inventory: Inventory, plan: Plan): void;
  /** The agent's log: step starts and ends become `step` lines. */
  log(event: string, fields?: LogFields): void;
  /** Ends the recording (before QEMU is told to quit). */
  stop(): void;
  /** Writes the recording; called once the test has passed (a failed run records nothing). */
  save(): void;
}

/** A recorder when VDISK_RECORD_QMP is set and the scenario has a name; otherwise undefined. */
export function recorder(
  name: string | undefined,
  dir: string,
  socket: string,
  transcript: Transcript,
  test: string,
): Recorder | undefined {
  if (!name || !process.env.VDISK_RECORD_QMP) return undefined;
  const extra: { at: number; line: Record<string, unknown> }[] = [];
  const here = (line: Record<string, unknown>) => extra.push({ at: transcript.entries.length, line });
  let end: number | undefined;
  const dirs = [...new Set([realpathSync(dir), dir])]; // the dir is gone by the time a test finishes
  return {
    run: (prefix, request, inventory, plan) =>
      here({ type: 'run', prefix, request, inventory: hostFree(inventory), plan }),
    log(event, fields = {}) {
      if (end !== undefined || (event !== 'step-start' && event !== 'step-end')) return;
      const { call, action, undo, error } = fields;
      here({ type: 'step', phase: event.slice(5), call, action, undo, ...(error ? { error } : {}) });
    },
    stop: () => {
      end ??= transcript.entries.length;
    },
    save() {
      const entries = transcript.entries.slice(0, end ?? transcript.entries.length);
      const lines: unknown[] = [{ type: 'scenario', name, test }];
      entries.forEach((e, i) => {
        for (const x of extra) if (x.at === i) lines.push(x.line);
        lines.push(e);
      });
      for (const x of extra) if (x.at >= entries.length) lines.push(x.line);
      mkdirSync(FIXTURES, { recursive: true });
      writeFileSync(
        join(FIXTURES, `${name}.jsonl`),
        `${normalise(lines.map((l) => JSON.stringify(l)).join('\n'), dirs, socket)}\n`,
      );
    },
  };
}

/** Replaces what differs between two recordings of the same scenario, and nothing else. */
export function normalise(text: string, dirs: string[], socket: string): string {
  let out = text.split(socket).join(`${REC_DIR}/qmp.sock`);
  for (const d of dirs) out = out.split(d).join(REC_DIR);
  const names = new Map<string, string>();
  return out.replace(/#block\d+/g, (n) => {
    if (!names.has(n)) names.set(n, `#block${names.size + 1}`);
    return names.get(n)!;
  });
}

/** The pools as a roomy host would show them: free space changes from one run to the next. */
function hostFree(inv: Inventory): Inventory {
  return { ...inv, pools: inv.pools.map((p) => ({ ...p, capacity: 2 ** 40, free: 2 ** 39 })) };
}

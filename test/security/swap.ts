// Swaps a file between the agent's check and its open, at that moment every time: the agent's
// test hook (ctx.files.beforeOpen, never set outside tests) runs there and calls the swap once.
import { chmodSync, linkSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenPurpose } from '../../src/agent/storage/safe-open.js';
import type { TestAgent } from '../agent/helpers.js';

export interface Armed {
  fired(): boolean;
  at(): string | undefined;
}

/** Runs `swap` on the first open for `purpose` of a path `match` accepts. */
export function armSwap(
  t: TestAgent,
  purpose: OpenPurpose,
  match: (path: string) => boolean,
  swap: (path: string) => void,
): Armed {
  let at: string | undefined;
  t.agent.ctx.files.beforeOpen = (path, why) => {
    if (at !== undefined || why !== purpose || !match(path)) return;
    at = path;
    swap(path);
  };
  return { fired: () => at !== undefined, at: () => at };
}

export const toSymlink = (target: string) => (path: string) => {
  rmSync(path, { force: true });
  symlinkSync(target, path);
};
export const toHardLink = (target: string) => (path: string) => {
  rmSync(path, { force: true });
  linkSync(target, path);
};

/** A file outside every root, with bytes and a mode that must never change. */
export function canary(t: TestAgent, bytes: Uint8Array = pattern(256 * 1024)): { path: string; unchanged(): boolean } {
  const path = join(t.dir, 'canary.img');
  writeFileSync(path, bytes);
  chmodSync(path, 0o600);
  const before = Buffer.from(readFileSync(path));
  return {
    path,
    unchanged: () => (statSync(path).mode & 0o7777) === 0o600 && Buffer.compare(readFileSync(path), before) === 0,
  };
}

export function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + 13) & 0xff;
  return b;
}

/** Every failed step the agent journaled, as `action: code` (cleanup failures end a job as orphans). */
export function failedSteps(t: TestAgent): string[] {
  const lines = readFileSync(join(t.dir, 'state', 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean);
  const records = lines.map(
    (l) => JSON.parse(l) as { t: string; call?: string; action?: string; ok?: boolean; error?: { code: string } },
  );
  const action = new Map(records.filter((r) => r.t === 'step-start').map((r) => [r.call, r.action]));
  return records
    .filter((r) => r.t === 'step-end' && r.ok === false)
    .map((r) => `${action.get(r.call)}: ${r.error?.code}`);
}

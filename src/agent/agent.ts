// Wires an agent together from its configuration: roots, VM sessions, engine, store, journal, jobs
// and the HTTP app. `start()` recovers unfinished plans from the journal; `close()` ends sessions.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { privateDir } from '../auth/private-files.js';
import { Transcript, type TranscriptEntry } from '../qmp/transcript.js';
import { queryJobs } from '../qmp/jobs.js';
import { DEFAULT_LIMITS, DEFAULT_MAX_BODY, type AgentConfig } from './config.js';
import type { AgentContext } from './context.js';
import { EngineAccess } from './storage/engine-access.js';
import { buildLocked } from './storage/inventory.js';
import { InventoryCache } from './inventory-cache/cache.js';
import { createAgentApp } from './http/app.js';
import type { AgentOps } from './http/ops.js';
import { Drain } from '../ops/drain.js';
import { StreamCaps } from './http/stream-caps.js';
import { JobManager } from './jobs/jobs.js';
import { NONCE_LOG, PersistentNonces } from './jobs/nonce-log.js';
import { Journal } from './jobs/journal.js';
import { jsonLogger, type Logger } from './log.js';
import { Roots } from './storage/roots.js';
import { CheckedFiles } from './storage/safe-open.js';
import { Serial } from './jobs/serial.js';
import { InventoryStore } from './storage/store.js';
import { VmSessions } from './vm/vms.js';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  log?: Logger;
  /** A transcript per VM (tests compare them with the simulator). */
  transcripts?: Map<string, Transcript>;
  clock?: () => number;
  /** Test seams (src/agent/context.ts StepHooks). */
  stepHooks?: AgentContext['stepHooks'];
}

export function createAgent(config: AgentConfig, opts: AgentOptions = {}) {
  privateDir(config.stateDir); // the journal holds every plan and key: only the agent's user may look
  const log = opts.log ?? jsonLogger();
  const roots = new Roots(config.roots);
  const ctx: AgentContext = {
    name: config.name,
    version: AGENT_VERSION,
    roots,
    files: new CheckedFiles(roots, log),
    vms: new VmSessions(config.vms, { transcript: (vm) => transcriptFor(vm, config, opts) }),
    engine: new EngineAccess(),
    store: InventoryStore.open(join(config.stateDir, 'inventory.json')),
    storeLock: new Serial(),
    inventory: new InventoryCache(() => buildLocked(ctx), config.inventoryTtlMs, Date.now, config.inventoryForceMinMs),
    journal: Journal.open(join(config.stateDir, 'journal.jsonl')),
    log,
    stateDir: config.stateDir,
    timeouts: { jobMs: config.jobTimeoutMs, heartbeatMs: config.heartbeatMs },
    allowOwnerRoot: config.allowOwnerRoot ?? false,
    stepHooks: opts.stepHooks,
    adopt: config.adopt,
  };
  const jobs = new JobManager(ctx, {
    keepJobs: config.keepJobs ?? DEFAULT_LIMITS.keepJobs,
    keepMs: (config.keepJobsDays ?? DEFAULT_LIMITS.keepJobsDays) * 86_400_000,
  });
  const streams = new StreamCaps(
    config.maxStreams ?? DEFAULT_LIMITS.maxStreams,
    config.maxStreamsPerCaller ?? DEFAULT_LIMITS.maxStreamsPerCaller,
  );
  const clock = opts.clock ?? Date.now;
  const nonces = new PersistentNonces(join(config.stateDir, NONCE_LOG), clock());
  // Readiness (the journal recovered) and drain, for /v1/ready, /metrics and SIGTERM (src/agent/cli.ts).
  const ops: AgentOps = { drain: new Drain(), recovered: false };
  const app = createAgentApp(ctx, jobs, {
    agent: config.name,
    secret: config.secret,
    maxBodyBytes: config.maxBodyBytes ?? DEFAULT_MAX_BODY,
    nonces,
    clock,
    streams,
    ops,
  });
  return {
    ctx,
    jobs,
    app,
    streams,
    ops,
    /** Logs the jobs each VM has, resumes, completes or compensates every unfinished plan, then compacts the journal. */
    async start() {
      for (const vm of ctx.vms.names) {
        const found = await ctx.vms
          .session(vm)
          .then(queryJobs)
          .catch((e: Error) => e.message);
        log('vm-jobs', { vm, jobs: found });
      }
      const resumed = jobs.recover();
      try {
        jobs.compact();
      } catch (e) {
        // The journal stays as it was (every step is atomic): the agent runs, compaction tries again later.
        log('journal-error', { message: (e as Error).message });
      }
      ops.recovered = true;
      return resumed;
    },
    async close() {
      await ctx.vms.closeAll();
      ctx.journal.close();
    },
  };
}

export type Agent = ReturnType<typeof createAgent>;

/** A given transcript, or with --qmp-transcripts one JSON line per entry in DIR/VM.jsonl. */
function transcriptFor(vm: string, config: AgentConfig, opts: AgentOptions): Transcript | undefined {
  const given = opts.transcripts?.get(vm);
  if (given || !config.transcriptDir) return given;
  mkdirSync(config.transcriptDir, { recursive: true });
  const file = join(config.transcriptDir, `${vm}.jsonl`);
  const t = new Transcript();
  const record = t.record.bind(t);
  t.record = (e: TranscriptEntry) => {
    record(e);
    appendFileSync(file, `${JSON.stringify(e)}\n`);
  };
  return t;
}

// `vdisk agent --root NAME=DIR ... --qmp VM=SOCKET ... --listen ADDR --secret-file FILE [--tls-cert ...]`: starts the
// host agent, recovers unfinished plans from its journal, serves the HTTP API until SIGINT/SIGTERM.
// Stopping drains: /v1/ready turns 503, new requests get 503 E_AGENT_DRAINING, answers in flight finish,
// event streams get a `retry:` hint; then, if plans are running, the agent exits at the next step
// boundary (src/agent/jobs/drain.ts) and resumes them from its journal when started again. Exit code 0.
import type { CliIo } from '../term/io.js';
import { createAgent } from './agent.js';
import { parseAgentArgs } from './config.js';
import { atStepBoundary, runningJobs } from './jobs/drain.js';
import { jsonLogger } from './log.js';
import { listen } from './server.js';
import { checkTransport } from './transport.js';

/** How long a stopping agent waits for answers in flight, then for the running step to end. */
export const DRAIN_MS = 30_000;

export async function agentCommand(argv: string[], io: CliIo): Promise<number> {
  const config = parseAgentArgs(argv);
  checkTransport(config, io.stderr);
  const log = jsonLogger((line) => io.stderr(line));
  const agent = createAgent(config, { log });
  // Recover first: a request answered before the journal is read back would not find the jobs it
  // names (404), nor their idempotency keys (a retried submission would start a second job).
  const resumed = await agent.start();
  const server = await listen(agent.app.fetch, config.listen, config.tls);
  log('listening', {
    address: server.address,
    tls: Boolean(config.tls),
    clientCerts: Boolean(config.tls?.clientCaFile),
    agent: config.name,
    roots: agent.ctx.roots.list,
    vms: config.vms.map((v) => v.name),
  });
  log('recovered', { jobs: resumed.map((j) => j.id) });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal while draining changes nothing: the drain has its own deadline (DRAIN_MS).
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => undefined);
  agent.ops.drain.start(); // before the log line: whoever reads 'draining' finds new requests refused
  log('draining', {
    signal,
    inFlight: agent.ops.drain.active,
    running: runningJobs(agent.jobs.jobs.values()).map((j) => j.id),
  });
  await server.drain(agent.ops.drain.settled(), DRAIN_MS);
  if (runningJobs(agent.jobs.jobs.values()).length === 0) {
    await agent.close();
    log('stopped', {});
    return 0;
  }
  // Plans are running: stop between two journal records; the journal resumes them on the next start.
  return new Promise<number>(() =>
    atStepBoundary(agent.jobs.jobs.values(), DRAIN_MS, ({ timedOut, running }) => {
      log('stopped', { atStepBoundary: !timedOut, resumeOnStart: running });
      process.exit(0);
    }),
  );
}

// `vdisk agent --root NAME=DIR ... --qmp VM=SOCKET ... --listen ADDR --secret-file FILE [--tls-cert ...]`: starts the
// host agent, recovers unfinished plans from its journal, serves the HTTP API until SIGINT/SIGTERM.
import type { CliIo } from '../term/io.js';
import { createAgent } from './agent.js';
import { parseAgentArgs } from './config.js';
import { jsonLogger } from './log.js';
import { listen } from './server.js';
import { checkTransport } from './transport.js';

export async function agentCommand(argv: string[], io: CliIo): Promise<number> {
  const config = parseAgentArgs(argv);
  checkTransport(config, io.stderr);
  const log = jsonLogger((line) => io.stderr(line));
  const agent = createAgent(config, { log });
  const server = await listen(agent.app.fetch, config.listen, config.tls);
  log('listening', { address: server.address, tls: Boolean(config.tls), clientCerts: Boolean(config.tls?.clientCaFile), agent: config.name, roots: agent.ctx.roots.list, vms: config.vms.map((v) => v.name) });
  const resumed = await agent.start();
  log('recovered', { jobs: resumed.map((j) => j.id) });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log('stopping', {});
  await server.close();
  await agent.close();
  return 0;
}

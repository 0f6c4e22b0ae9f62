// `vdisk start [--dir DIR] [--port N] [--no-vm] [--session-hours N]`: runs the whole system on this machine (see
// src/start/run.ts), prints the console's login link and keeps running until Ctrl-C.
import { parseArgs } from 'node:util';
import { START } from './options/service.js';
import { VdiskError } from '../errors/vdisk-error.js';
import type { CliIo } from './io.js';
import type { Engine } from '../engine/core/engine.js';
import { startSystem } from '../start/run.js';

export async function startVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    allowPositionals: false,
    options: START.options,
  });
  const sessionHours = Number(values['session-hours'] ?? 12);
  if (!(sessionHours > 0 && sessionHours <= 24 * 30))
    throw new VdiskError('E_USAGE', '--session-hours takes a number of hours above 0 (at most 720)', {
      field: 'session-hours',
    });
  const sys = await startSystem(engine, {
    dir: values.dir,
    port: values.port === undefined ? undefined : Number(values.port),
    vm: !values['no-vm'],
    sessionHours,
    log: (line) => io.stderr(`vdisk start: ${line}\n`),
  });
  // Ctrl-C is handled before the link is printed: a signal sent as soon as it appears must stop cleanly.
  const stopped = new Promise<void>((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  io.stdout(`\nvdisk is running: demo pools in ${sys.dir}\n`);
  if (!sys.liveOps.available) io.stdout(`live operations are unavailable: ${sys.liveOps.reason}\n`);
  io.stdout(
    `\nOpen the console (this link logs you in once and expires in 10 minutes;\nthe session it opens lasts ${sessionHours} hours):\n\n  ${sys.loginUrl}\n\nCtrl-C stops everything.\n`,
  );
  await stopped;
  io.stderr('vdisk start: stopping…\n');
  await sys.stop();
  io.stderr('vdisk start: stopped\n');
  return 0;
}

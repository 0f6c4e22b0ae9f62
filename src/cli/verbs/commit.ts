// vdisk commit [-f fmt] [-b base] [-d] [-p] FILE — as qemu-img commit.
import { parseArgs } from 'node:util';
import { COMMIT } from '../options/edit.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { commitImage } from '../../engine/ops/commit.js';
import { progressPrinter, sigintSignal } from './write-common.js';
import { format } from './args.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function commitVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: COMMIT.options,
  });
  if (positionals.length !== 1)
    throw new VdiskError('E_USAGE', 'usage: vdisk commit [-f fmt] [-b base] [-d] [-p] FILE');
  const cancel = sigintSignal();
  try {
    await commitImage({
      engine,
      image: positionals[0]!,
      format: format(values.f, 'image'),
      base: values.b,
      drop: values.d,
      probeBacking: values['probe-backing'],
      warn: io.stderr,
      onProgress: progressPrinter(io, values.p),
      signal: cancel.signal,
    });
  } finally {
    cancel.done();
  }
  if (values.p) io.stdout('    (100.00/100%)\n');
  io.stdout('Image committed.\n');
  return 0;
}

// vdisk commit [-f fmt] [-b base] [-d] [-p] FILE — as qemu-img commit.
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { commitImage } from '../../engine/ops/commit.js';
import { nodeHost } from '../../host/node-host.js';
import { progressPrinter, sigintSignal } from './write-common.js';
import { format } from './args.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function commitVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      f: { type: 'string' },
      b: { type: 'string' },
      d: { type: 'boolean', default: false },
      p: { type: 'boolean', default: false },
      q: { type: 'boolean' },
      t: { type: 'string' },
      'probe-backing': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1)
    throw new VdiskError('E_USAGE', 'usage: vdisk commit [-f fmt] [-b base] [-d] [-p] FILE');
  const cancel = sigintSignal();
  try {
    await commitImage({
      engine,
      ...nodeHost(),
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

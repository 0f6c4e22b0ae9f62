// vdisk rebase [-f fmt] [-u] [-p] -b BACKING [-F fmt] FILE — as qemu-img rebase (-b "" removes it).
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { rebaseImage } from '../../engine/ops/rebase.js';
import { nodeHost } from '../../host/node-host.js';
import { progressPrinter, sigintSignal } from './write-common.js';
import { format } from './args.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function rebaseVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      f: { type: 'string' },
      b: { type: 'string' },
      F: { type: 'string' },
      u: { type: 'boolean', default: false },
      p: { type: 'boolean', default: false },
      q: { type: 'boolean' },
      t: { type: 'string' },
      T: { type: 'string' },
      'probe-backing': { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1 || values.b === undefined)
    throw new VdiskError('E_USAGE', 'usage: vdisk rebase [-f fmt] [-u] [-p] -b BACKING [-F fmt] FILE');
  const bfmt = format(values.F, 'backing');
  if (values.b !== '' && bfmt === undefined)
    throw new VdiskError('E_USAGE', '-b needs -F FMT (backing formats are never probed)');
  const cancel = sigintSignal();
  try {
    await rebaseImage({
      engine,
      ...nodeHost(),
      image: positionals[0]!,
      format: format(values.f, 'image'),
      unsafe: values.u,
      backing: values.b === '' ? null : { name: values.b, format: bfmt! },
      probeBacking: values['probe-backing'],
      warn: io.stderr,
      onProgress: progressPrinter(io, values.p),
      signal: cancel.signal,
    });
  } finally {
    cancel.done();
  }
  if (values.p) io.stdout('    (100.00/100%)\n');
  return 0;
}

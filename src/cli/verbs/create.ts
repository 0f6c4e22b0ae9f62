// vdisk create [-f fmt] [-o opts] [-b backing -F fmt] [--force] [-p] FILE [SIZE] — as qemu-img create
// (-p: progress of what is written, as convert's; Ctrl-C leaves no file behind).
import { parseArgs } from 'node:util';
import { CREATE } from '../options/write.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { createImage } from '../../engine/ops/create.js';
import { nodeHost } from '../../host/node-host.js';
import { parseOptionString, parseSize } from '../../engine/qcow2/options.js';
import { runWriting } from './write-common.js';
import { backingOf, format } from './args.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function createVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: CREATE.options,
  });
  if (positionals.length < 1 || positionals.length > 2)
    throw new VdiskError('E_USAGE', 'usage: vdisk create [-f fmt] [-o opts] [-b backing -F fmt] [-p] FILE [SIZE]');
  const opts = parseOptionString((values.o ?? []).join(','));
  const backing = backingOf(values.b ?? opts.backing_file, values.F ?? opts.backing_fmt, '-b');
  const size = positionals[1] !== undefined ? parseSize(positionals[1]) : opts.size;
  await runWriting(io, values.p, (hooks) =>
    createImage({
      engine,
      ...nodeHost(),
      target: positionals[0]!,
      format: format(values.f, 'image')!,
      size,
      options: opts,
      backing,
      overwrite: values.force,
      warn: io.stderr,
      ...hooks,
    }),
  );
  return 0;
}

// vdisk create [-f fmt] [-o opts] [-b backing -F fmt] [--force] [-p] FILE [SIZE] — as qemu-img create
// (-p: progress of what is written, as convert's; Ctrl-C leaves no file behind).
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { createImage } from '../../engine/ops/create.js';
import { nodeHost } from '../../host/node-host.js';
import { parseOptionString, parseSize } from '../../engine/qcow2/options.js';
import { progressPrinter, sigintSignal } from './write-common.js';
import { format } from './args.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function createVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      f: { type: 'string', default: 'raw' },
      o: { type: 'string', multiple: true },
      b: { type: 'string' },
      F: { type: 'string' },
      p: { type: 'boolean', default: false },
      q: { type: 'boolean' },
      force: { type: 'boolean', default: false },
    },
  });
  if (positionals.length < 1 || positionals.length > 2)
    throw new VdiskError('E_USAGE', 'usage: vdisk create [-f fmt] [-o opts] [-b backing -F fmt] [-p] FILE [SIZE]');
  const opts = parseOptionString((values.o ?? []).join(','));
  const backing = values.b ?? opts.backing_file;
  const bfmt = format(values.F ?? opts.backing_fmt, 'backing');
  if (backing !== undefined && bfmt === undefined)
    throw new VdiskError('E_USAGE', '-b needs -F FMT (backing formats are never probed)');
  const size = positionals[1] !== undefined ? parseSize(positionals[1]) : opts.size;
  const cancel = sigintSignal();
  try {
    await createImage({
      engine,
      ...nodeHost(),
      target: positionals[0]!,
      format: format(values.f, 'image')!,
      size,
      options: opts,
      backing: backing !== undefined ? { name: backing, format: bfmt! } : undefined,
      overwrite: values.force,
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

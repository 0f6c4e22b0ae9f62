// vdisk resize [-f fmt] [--shrink] [-p] FILE [+|-]SIZE — as qemu-img resize (-p: progress, as convert's).
import { parseArgs } from 'node:util';
import { RESIZE } from '../options/edit.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { resizeImage } from '../../engine/ops/resize.js';
import { nodeHost } from '../../host/node-host.js';
import { parseSize } from '../../engine/qcow2/options.js';
import { runWriting } from './write-common.js';
import { format } from './args.js';
import { VdiskError } from '../../errors/vdisk-error.js';

/** qemu-img takes `resize FILE -1G`: a last argument that reads as a negative size is a positional. */
function sizeLast(argv: string[]): string[] {
  const last = argv.length - 1;
  if (last < 0 || !/^-\d/.test(argv[last]!) || argv.includes('--')) return argv;
  return [...argv.slice(0, last), '--', argv[last]!];
}

export async function resizeVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: sizeLast(argv),
    allowPositionals: true,
    allowNegative: true,
    options: RESIZE.options,
  });
  if (positionals.length !== 2)
    throw new VdiskError('E_USAGE', 'usage: vdisk resize [-f fmt] [--shrink] [-p] FILE [+|-]SIZE');
  const spec = positionals[1]!;
  const sign = spec[0] === '+' ? 1 : spec[0] === '-' ? -1 : 0;
  const size = parseSize(sign ? spec.slice(1) : spec) * (sign || 1);
  await runWriting(io, values.p, (hooks) =>
    resizeImage({
      engine,
      ...nodeHost(),
      image: positionals[0]!,
      format: format(values.f, 'image'),
      size,
      relative: sign !== 0,
      shrink: values.shrink,
      probeBacking: values['probe-backing'],
      warn: io.stderr,
      ...hooks,
    }),
  );
  io.stdout('Image resized.\n');
  return 0;
}

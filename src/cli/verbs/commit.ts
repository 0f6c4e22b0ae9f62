// vdisk commit [-f fmt] [-b base] [-d] [-p] FILE — as qemu-img commit.
import { parseArgs } from 'node:util';
import { COMMIT } from '../options/edit.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { commitImage } from '../../engine/ops/commit.js';
import { runWriting } from './write-common.js';
import { nodeHost } from '../../host/node-host.js';
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
  await runWriting(io, values.p, (hooks) =>
    commitImage({
      engine,
      ...nodeHost(),
      image: positionals[0]!,
      format: format(values.f, 'image'),
      base: values.b,
      drop: values.d,
      probeBacking: values['probe-backing'],
      warn: io.stderr,
      ...hooks,
    }),
  );
  io.stdout('Image committed.\n');
  return 0;
}

// vdisk rebase [-f fmt] [-u] [-p] -b BACKING [-F fmt] FILE — as qemu-img rebase (-b "" removes it).
import { parseArgs } from 'node:util';
import { REBASE } from '../options/edit.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { rebaseImage } from '../../engine/ops/rebase.js';
import { runWriting } from './write-common.js';
import { backingOf, format } from './args.js';
import { nodeHost } from '../../host/node-host.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function rebaseVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: REBASE.options,
  });
  if (positionals.length !== 1 || values.b === undefined)
    throw new VdiskError('E_USAGE', 'usage: vdisk rebase [-f fmt] [-u] [-p] -b BACKING [-F fmt] FILE');
  const backing = backingOf(values.b || undefined, values.F, '-b') ?? null; // -b "" removes it
  await runWriting(io, values.p, (hooks) =>
    rebaseImage({
      engine,
      ...nodeHost(),
      image: positionals[0]!,
      format: format(values.f, 'image'),
      unsafe: values.u,
      backing,
      probeBacking: values['probe-backing'],
      warn: io.stderr,
      ...hooks,
    }),
  );
  return 0;
}

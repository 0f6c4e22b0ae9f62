// vdisk convert [-f fmt] [-O raw|qcow2] [-o opts] [-B backing -F fmt] [-S bytes] [-c] [-n]
//   [--target-is-zero] [--target-size BYTES] [--bitmaps [--skip-broken-bitmaps]] [-p] [-t unsafe] [--force] [--no-offload] SRC... DST — as qemu-img convert
//   (several sources are concatenated).
// The result is fdatasynced before it is renamed into place unless -t unsafe (qemu-img never syncs).
import { parseArgs } from 'node:util';
import { CONVERT } from '../options/write.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { convertImage } from '../../engine/ops/convert.js';
import { nodeHost } from '../../host/node-host.js';
import { parseOptionString, parseSize } from '../../engine/qcow2/options.js';
import { runWriting } from './write-common.js';
import { backingOf, format } from './args.js';
import type { Progress } from '../../engine/ops/progress.js';
import { VdiskError } from '../../errors/vdisk-error.js';

export async function convertVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: CONVERT.options,
  });
  if (positionals.length < 2)
    throw new VdiskError(
      'E_USAGE',
      'usage: vdisk convert [-f fmt] [-O fmt] [-o opts] [-B backing -F fmt] [-S size] [-c] [-n] [-p] SRC... DST',
    );
  const dst = positionals[positionals.length - 1]!;
  const srcs = positionals.slice(0, -1);
  const opts = parseOptionString((values.o ?? []).join(','));
  const backing = backingOf(values.B ?? opts.backing_file, values.F ?? opts.backing_fmt, '-B');
  if (values.n && values.o !== undefined)
    throw new VdiskError('E_USAGE', '-o has no effect when skipping image creation', {
      hint: 'leave out -o: -n writes into the existing target as it is',
    });
  if (values['target-is-zero'] && !values.n) throw new VdiskError('E_USAGE', '--target-is-zero requires -n');
  await runWriting(io, values.p, ({ onProgress, signal }) =>
    convertImage({
      engine,
      ...nodeHost(),
      source: srcs.length === 1 ? srcs[0]! : srcs,
      sourceFormat: format(values.f, 'source'),
      target: dst,
      targetFormat: format(values.O, 'target')!,
      options: opts,
      backing,
      sparseSize: values.S !== undefined ? parseSize(values.S) : undefined,
      compress: values.c,
      reuseTarget: values.n,
      targetIsZero: values['target-is-zero'],
      targetSize: values['target-size'] !== undefined ? parseSize(values['target-size']) : undefined,
      overwrite: values.force,
      bitmaps: values.bitmaps,
      skipBrokenBitmaps: values['skip-broken-bitmaps'],
      durable: values.t !== 'unsafe',
      chunkSize: values['chunk-size'] !== undefined ? parseSize(values['chunk-size']) : undefined,
      depth: values.depth !== undefined ? Number(values.depth) : undefined,
      probeBacking: values['probe-backing'],
      warn: io.stderr,
      offload: !values['no-offload'],
      onProgress: untilDone(onProgress),
      signal,
    }),
  );
  return 0;
}

/** Holds back the 100 % line: the copy reaches it before the writes land; success prints it. */
function untilDone(print: ((p: Progress) => void) | undefined): ((p: Progress) => void) | undefined {
  if (!print) return undefined;
  return (p) => {
    const f = p.fraction ?? (p.total ? p.done / p.total : 1);
    if (f < 1) print(p);
  };
}

// vdisk measure [--output=human|json] [-O fmt] [-o opts] [--size N | [-f fmt] FILE] — as qemu-img.
import { parseArgs } from 'node:util';
import { MEASURE } from '../options/write.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { measureImage } from '../../engine/ops/measure.js';
import { nodeHost } from '../../host/node-host.js';
import { parseOptionString, parseSize } from '../../engine/qcow2/options.js';
import { format, outputMode } from './args.js';

export async function measureVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: MEASURE.options,
  });
  const r = await measureImage({
    engine,
    ...nodeHost(),
    source: positionals[0],
    sourceFormat: format(values.f, 'source'),
    size: values.size !== undefined ? parseSize(values.size) : undefined,
    targetFormat: format(values.O, 'target')!,
    options: parseOptionString((values.o ?? []).join(',')),
    probeBacking: values['probe-backing'],
    warn: io.stderr,
  });
  if (outputMode(values.output) === 'json') io.stdout(`${JSON.stringify(r, null, 4)}\n`);
  else
    io.stdout(
      `required size: ${r.required}\nfully allocated size: ${r['fully-allocated']}\n${r.bitmaps !== undefined ? `bitmaps size: ${r.bitmaps}\n` : ''}`,
    );
  return 0;
}

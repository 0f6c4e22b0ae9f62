// The reading verbs: info, map, compare. Each opens images through the default gate and prints
// what qemu-img prints.
import { parseArgs } from 'node:util';
import type { CliIo } from './io.js';
import type { Engine } from '../engine/core/engine.js';
import { openImageNode } from '../host/node-engine.js';
import { chainInfo } from '../engine/read/info.js';
import { humanInfo } from './verbs/info-human.js';
import { qdictOrder, qemuJson } from './verbs/qdict-order.js';
import { mapEntries, jsonLine, humanLine } from './verbs/map.js';
import { compareChains } from './verbs/compare.js';
import { VdiskError } from '../errors/vdisk-error.js';
import { format, outputMode } from './verbs/args.js';
import { COMPARE, INFO, MAP } from './options/image.js';

const fmt = (v: string | undefined) => format(v, 'image');

function one(positionals: string[], verb: string): string {
  if (positionals.length !== 1) throw new VdiskError('E_USAGE', `usage: vdisk ${verb} [options] FILE`);
  return positionals[0]!;
}

export async function infoVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: INFO.options,
  });
  const output = outputMode(values.output);
  // Like qemu-img info, a single layer is described without opening its backing file.
  const chain = await openImageNode(engine, one(positionals, 'info'), {
    format: fmt(values.format),
    probeBacking: values['probe-backing'],
    warn: io.stderr,
    noBacking: !values['backing-chain'],
  });
  try {
    const info = await chainInfo(chain, values['backing-chain']);
    io.stdout(output === 'json' ? `${qemuJson(info)}\n` : humanInfo(qdictOrder(info)));
    return 0;
  } finally {
    await chain.close();
  }
}

export async function mapVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: MAP.options });
  const json = outputMode(values.output) === 'json';
  const chain = await openImageNode(engine, one(positionals, 'map'), {
    format: fmt(values.format),
    probeBacking: values['probe-backing'],
    warn: io.stderr,
  });
  try {
    // Printed a batch at a time, as qemu-img does: a map can be larger than is wise to hold.
    if (!json) io.stdout(`${'Offset'.padEnd(16)}${'Length'.padEnd(16)}${'Mapped to'.padEnd(16)}File\n`);
    let first = true;
    for await (const batch of mapEntries(engine, chain)) {
      const lines: string[] = [];
      for (const e of batch) {
        if (json) lines.push(jsonLine(e));
        else {
          const file = chain.layers[e.depth]?.resolved ?? chain.layers[e.depth]?.source.name ?? '';
          const h = humanLine(e, file);
          if (h) lines.push(h);
        }
      }
      if (lines.length === 0) continue;
      io.stdout(json ? `${first ? '[' : ',\n'}${lines.join(',\n')}` : `${lines.join('\n')}\n`);
      first = false;
    }
    if (json) io.stdout(first ? '[]\n' : ']\n');
    return 0;
  } finally {
    await chain.close();
  }
}

export async function compareVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: COMPARE.options,
  });
  if (positionals.length !== 2) throw new VdiskError('E_USAGE', 'usage: vdisk compare [-f fmt] [-F fmt] A B');
  const opts = { probeBacking: values['probe-backing'], warn: io.stderr };
  const a = await openImageNode(engine, positionals[0]!, { ...opts, format: fmt(values.format) });
  try {
    const b = await openImageNode(engine, positionals[1]!, { ...opts, format: fmt(values['second-format']) });
    try {
      const r = await compareChains(engine, a, b);
      if (r.sizeMismatch) io.stdout('Warning: Image size mismatch!\n');
      io.stdout(r.identical ? 'Images are identical.\n' : `Content mismatch at offset ${r.mismatchAt}!\n`);
      return r.identical ? 0 : 1;
    } finally {
      await b.close();
    }
  } finally {
    await a.close();
  }
}

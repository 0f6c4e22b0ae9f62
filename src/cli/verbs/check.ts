// vdisk check [-f fmt] [--output=human|json] FILE: qemu-img check, read-only (no -r).
import { parseArgs } from 'node:util';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/engine.js';
import { openImageNode } from '../../engine/node-engine.js';
import { checkLayer, checkJson, checkHuman, checkExit } from '../../engine/check.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { qemuJson } from './qdict-order.js';

export async function checkVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { format: { type: 'string', short: 'f' }, output: { type: 'string', default: 'human' }, 'probe-backing': { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) throw new VdiskError('E_USAGE', 'usage: vdisk check [-f fmt] [--output=human|json] FILE');
  const fmt = values.format;
  if (fmt !== undefined && fmt !== 'raw' && fmt !== 'qcow2') throw new VdiskError('E_FORMAT_UNSUPPORTED', `format ${fmt} is not supported (raw, qcow2)`);
  if (values.output !== 'human' && values.output !== 'json') throw new VdiskError('E_USAGE', `--output must be human or json`);
  const file = positionals[0]!;
  const chain = await openImageNode(engine, file, { format: fmt, probeBacking: values['probe-backing'], warn: io.stderr });
  try {
    if (chain.top.facts.format !== 'qcow2') {
      io.stderr('vdisk check: This image format does not support checks\n');
      return 63; // qemu-img: -ENOTSUP from bdrv_check
    }
    const r = await checkLayer(engine, chain.top);
    io.stdout(values.output === 'json' ? `${qemuJson(checkJson(r, file, 'qcow2'))}\n` : checkHuman(r));
    if (r.checkErrors) io.stderr('vdisk check: Check failed\n');
    return checkExit(r);
  } finally {
    await chain.close();
  }
}

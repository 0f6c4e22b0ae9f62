// vdisk check [-f fmt] [--output=human|json] [-r leaks|all [-p]] FILE: qemu-img check; with -r the
// image is repaired in place first (src/engine/repair/repair.ts) and the report is that of the fixed
// image. -p prints the repair's progress (on stderr with --output=json); Ctrl-C stops it between steps.
import { parseArgs } from 'node:util';
import { CHECK } from '../options/image.js';
import type { CliIo } from '../io.js';
import type { Engine } from '../../engine/core/engine.js';
import { openImageNode } from '../../host/node-engine.js';
import { nodeFiles } from '../../host/node-files.js';
import {
  checkLayerDetail,
  checkJson,
  checkHuman,
  checkExit,
  mismatchLine,
  type CheckReport,
} from '../../engine/read/check.js';
import { VdiskError, isVdiskError } from '../../errors/vdisk-error.js';
import { qemuJson } from './qdict-order.js';
import { runWriting } from './write-common.js';
import { format, outputMode } from './args.js';

export async function checkVerb(engine: Engine, argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: CHECK.options,
  });
  if (positionals.length !== 1)
    throw new VdiskError('E_USAGE', 'usage: vdisk check [-f fmt] [--output=human|json] [-r leaks|all [-p]] FILE');
  const fmt = format(values.format, 'image');
  const output = outputMode(values.output);
  const mode = values.repair;
  if (mode !== undefined && mode !== 'leaks' && mode !== 'all')
    throw new VdiskError('E_USAGE', `-r must be leaks or all (got ${mode})`);
  const file = positionals[0]!;
  // -r all cuts snapshots past QEMU's 65536 off the header first: such an image does not open.
  const cut =
    mode === 'all' && fmt !== 'raw'
      ? await (await import('../../engine/repair/repair-snapcount.js')).capSnapshotsBeforeOpen(
          await nodeFiles.target(file, { reuse: true }),
          io.stderr,
        )
      : 0;
  const chain = await openImageNode(engine, file, {
    format: fmt,
    probeBacking: values['probe-backing'],
    warn: io.stderr,
  });
  let r: CheckReport;
  try {
    if (chain.top.facts.format !== 'qcow2') {
      io.stderr('vdisk check: This image format does not support checks\n');
      return 63; // qemu-img: -ENOTSUP from bdrv_check
    }
    if (mode === undefined) {
      // qemu-img names each refcount mismatch on stderr before its report.
      const d = await checkLayerDetail(
        engine,
        chain.top,
        false,
        (c, got, want) => io.stderr(`${mismatchLine(c, got, want)}\n`),
        (l) => io.stderr(`${l}\n`),
      );
      const unreadable = unreadableSnapshots(d.snapExtraTooBig, d.snapDropped);
      if (unreadable) {
        io.stderr(`vdisk check: ${unreadable.toLine()}\nvdisk check: Check failed: File too large\n`);
        return 1;
      }
      r = d.report;
    }
  } finally {
    await chain.close();
  }
  if (mode !== undefined) {
    const { repairImage } = await import('../../engine/repair/repair.js');
    const shown = output === 'json' ? { ...io, stdout: io.stderr } : io;
    try {
      r = await runWriting(shown, values.progress, (hooks) =>
        repairImage({ engine, files: nodeFiles, target: file, mode, warn: io.stderr, snapshotsCut: cut, ...hooks }),
      );
    } catch (e) {
      if (!isVdiskError(e) || (e.code !== 'E_REPAIR_NEEDS_REBUILD' && e.code !== 'E_REPAIR_FAILED')) throw e;
      io.stderr(`vdisk check: Check failed: Input/output error (${e.code}: ${e.message})\n`);
      return 1; // qemu-img: the repair returned -EIO
    }
  }
  const fixed = (r!.leaksFixed ?? 0) + (r!.corruptionsFixed ?? 0) > 0;
  if (output === 'json') io.stdout(`${qemuJson(checkJson(r!, file, 'qcow2'))}\n`);
  else {
    if (fixed) {
      io.stdout(
        `The following inconsistencies were found and repaired:\n\n    ${r!.leaksFixed ?? 0} leaked clusters\n` +
          `    ${r!.corruptionsFixed ?? 0} corruptions\n\nDouble checking the fixed image now...\n`,
      );
    }
    io.stdout(checkHuman(r!));
  }
  if (r!.checkErrors) io.stderr('vdisk check: Check failed\n');
  return checkExit(r!);
}

/**
 * A snapshot table QEMU cannot read (qcow2_check_read_snapshot_table without a fix mode fails with
 * EFBIG): qemu-img check prints no report then, only the reason and "Check failed", and exits 1.
 */
function unreadableSnapshots(extraTooBig: number, dropped: number): VdiskError | undefined {
  const hint = 'run `vdisk check -r all` to force-remove it';
  if (extraTooBig)
    return new VdiskError(
      'E_QCOW2_BAD_SNAPSHOT_TABLE',
      `failed to read the snapshot table: too much extra metadata in ${extraTooBig} snapshot table entr${extraTooBig === 1 ? 'y' : 'ies'} (over 1 KiB)`,
      { hint },
    );
  if (dropped)
    return new VdiskError(
      'E_QCOW2_BAD_SNAPSHOT_TABLE',
      'failed to read the snapshot table: snapshot table too large (over 64 MiB)',
      { hint: 'run `vdisk check -r all` to cut the entries past 64 MiB off' },
    );
  return undefined;
}

// Opening what a write operation reads (a chain, through the gate) and what it writes (a target):
// ready-made sources and targets, or names the caller's FileAccess opens. The engine never turns a
// name into a file itself: the CLI passes src/host's Node access, the agent its checked one, and a
// browser passes sources and targets.
import type { Engine } from '../core/engine.js';
import { openChain, type Chain } from '../read/chain.js';
import type { BackingGate, ImageFormat } from '../read/gate.js';
import type { ImageSource } from '../../io/source.js';
import type { ImageTarget } from '../../io/target.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { markMetaPrealloc } from '../read/meta-prealloc.js';
import { INCOMPAT_CORRUPT, INCOMPAT_DIRTY } from '../../../assembly/qcow2/format';

export interface TargetOpenOptions {
  reuse?: boolean;
  overwrite?: boolean;
  durable?: boolean;
}

/**
 * How images given by name are opened: src/host/node-files.ts for the CLI; the host agent's opens
 * with O_NOFOLLOW and checks each descriptor against its roots.
 */
export interface FileAccess {
  source(name: string): Promise<ImageSource>;
  target(name: string, o: TargetOpenOptions): Promise<ImageTarget>;
  /** Where `name`, recorded inside the image called `from` (a backing file), points. */
  resolve(name: string, from: string): string;
  /** A name's stable identity (a real path), to match two spellings of one file; absent: the name. */
  identity?(name: string): Promise<string>;
}

export interface OpenCommon {
  engine?: Engine;
  /** Makes an engine when none is given (src/host's createNodeEngine on Node). */
  newEngine?: () => Promise<Engine>;
  files?: FileAccess;
  gate?: BackingGate;
  probeBacking?: boolean;
  warn?: (m: string) => void;
}

export async function engineFor(opts: OpenCommon): Promise<Engine> {
  if (opts.engine) return opts.engine;
  if (opts.newEngine) return opts.newEngine();
  throw new VdiskError('E_BAD_ARGUMENT', 'no engine given (pass engine or newEngine)');
}

/** The caller's file access, required once an image is given by name. */
export function filesFor(files: FileAccess | undefined, name: string): FileAccess {
  if (files) return files;
  throw new VdiskError('E_BAD_ARGUMENT', 'an image was given by name, but no file access (files) to open it', {
    path: name,
  });
}

export async function openSourceChain(
  engine: Engine,
  source: string | ImageSource,
  format: ImageFormat | undefined,
  opts: OpenCommon & { noBacking?: boolean },
): Promise<Chain> {
  const base = { format, probeBacking: opts.probeBacking, warn: opts.warn, noBacking: opts.noBacking };
  const src = typeof source === 'string' ? await filesFor(opts.files, source).source(source) : source;
  const chain = await openChain(engine, src, { ...base, gate: opts.gate });
  // Metadata-preallocated qcow2: file holes are zeros, as QEMU's block status says (never read them).
  try {
    await markMetaPrealloc(engine, chain);
  } catch (e) {
    await chain.close();
    throw e;
  }
  return chain;
}

export async function openTarget(
  target: string | ImageTarget,
  o: TargetOpenOptions,
  files?: FileAccess,
): Promise<ImageTarget> {
  return typeof target === 'string' ? filesFor(files, target).target(target, o) : target;
}

/** Writers refuse images whose dirty or corrupt bit is set (qcow2.txt incompatible bits 0, 1). */
export function refuseDirty(chain: Chain, path: string): void {
  const inc = chain.top.facts.incompat;
  if (chain.top.facts.format !== 'qcow2') return;
  if (inc & INCOMPAT_CORRUPT)
    throw new VdiskError('E_QCOW2_CORRUPT', undefined, {
      path,
      hint: 'run `vdisk check -r all ' + path + '`, then retry',
    });
  if (inc & INCOMPAT_DIRTY)
    throw new VdiskError('E_QCOW2_DIRTY', undefined, {
      path,
      hint: 'run `vdisk check -r all ' + path + '`, then retry',
    });
}

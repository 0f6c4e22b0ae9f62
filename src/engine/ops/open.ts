// Opening what a write operation reads (a chain, through the gate) and what it writes (a target),
// for Node paths and for ready-made sources and targets alike.
import type { Engine } from '../core/engine.js';
import { openChain, type Chain } from '../read/chain.js';
import type { BackingGate, ImageFormat } from '../read/gate.js';
import type { ImageSource } from '../../io/source.js';
import type { ImageTarget } from '../../io/target.js';
import { VdiskError } from '../../errors/vdisk-error.js';
import { markMetaPrealloc } from '../read/meta-prealloc.js';

export interface TargetOpenOptions {
  reuse?: boolean;
  overwrite?: boolean;
  durable?: boolean;
}

/**
 * How files given by name are opened. Default (absent): by name, through src/io (the CLI). The host
 * agent passes its own, which opens with O_NOFOLLOW and checks each descriptor against its roots.
 */
export interface FileAccess {
  source(path: string): Promise<ImageSource>;
  target(path: string, o: TargetOpenOptions): Promise<ImageTarget>;
}

export interface OpenCommon {
  engine?: Engine;
  files?: FileAccess;
  gate?: BackingGate;
  probeBacking?: boolean;
  warn?: (m: string) => void;
}

export async function engineFor(opts: OpenCommon): Promise<Engine> {
  if (opts.engine) return opts.engine;
  const { createNodeEngine } = await import('../core/node-engine.js');
  return createNodeEngine();
}

export async function openSourceChain(
  engine: Engine,
  source: string | ImageSource,
  format: ImageFormat | undefined,
  opts: OpenCommon & { noBacking?: boolean },
): Promise<Chain> {
  const base = { format, probeBacking: opts.probeBacking, warn: opts.warn, noBacking: opts.noBacking };
  let chain: Chain;
  if (typeof source !== 'string') chain = await openChain(engine, source, { ...base, gate: opts.gate });
  else if (opts.files) chain = await openChain(engine, await opts.files.source(source), { ...base, gate: opts.gate });
  else {
    const { openImageNode } = await import('../core/node-engine.js');
    chain = await openImageNode(engine, source, { ...base, ...(opts.gate ? { gate: opts.gate } : {}) });
  }
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
  if (typeof target !== 'string') return target;
  if (files) return files.target(target, o);
  const { NodeFileTarget } = await import('../../io/node-file-target.js');
  return NodeFileTarget.create(target, o);
}

/** Writers refuse images whose dirty or corrupt bit is set (qcow2.txt incompatible bits 0, 1). */
export function refuseDirty(chain: Chain, path: string): void {
  const inc = chain.top.facts.incompat;
  if (chain.top.facts.format !== 'qcow2') return;
  if (inc & 2)
    throw new VdiskError('E_QCOW2_CORRUPT', undefined, {
      path,
      hint: 'run `vdisk check -r all ' + path + '`, then retry',
    });
  if (inc & 1)
    throw new VdiskError('E_QCOW2_DIRTY', undefined, {
      path,
      hint: 'run `vdisk check -r all ' + path + '`, then retry',
    });
}

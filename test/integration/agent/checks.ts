// qemu-img's verdicts on images after a live job: guest data compared, metadata checked.
import { spawnSync } from 'node:child_process';
import { requireTool } from '../../helpers/tools.js';

export function identical(a: string, b: string, fa = 'qcow2', fb = 'qcow2'): boolean {
  return spawnSync(requireTool('qemu-img'), ['compare', '-f', fa, '-F', fb, a, b]).status === 0;
}

export function clean(path: string, format = 'qcow2'): boolean {
  return spawnSync(requireTool('qemu-img'), ['check', '-f', format, path]).status === 0;
}

export function backingName(path: string): string | undefined {
  const r = spawnSync(requireTool('qemu-img'), ['info', '-U', '--output=json', '-f', 'qcow2', path], {
    encoding: 'utf8',
  });
  return (JSON.parse(r.stdout) as { 'backing-filename'?: string })['backing-filename'];
}

/** A flattened reference copy of a chain's guest view, taken before the job changes anything. */
export function reference(path: string, out: string): void {
  spawnSync(requireTool('qemu-img'), ['convert', '-U', '-f', 'qcow2', '-O', 'qcow2', path, out]);
}

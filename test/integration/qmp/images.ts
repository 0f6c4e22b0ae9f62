// Small qcow2 fixtures made with the real tools, and the checks run on them after a live job.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../helpers/tools.js';

export const MiB = 1024 * 1024;

/** A qcow2 image of `sizeMiB`, optionally on a qcow2 backing file (named as given: keep it relative). */
export function createQcow2(path: string, sizeMiB: number, backing?: string): void {
  const args = ['create', '-q', '-f', 'qcow2'];
  if (backing) args.push('-b', backing, '-F', 'qcow2');
  execFileSync(requireTool('qemu-img'), [...args, path, `${sizeMiB}M`]);
}

/** Writes `pattern` over [offset, offset+length) through qemu-io (offsets in MiB). */
export function writePattern(path: string, pattern: number, offsetMiB: number, lengthMiB: number): void {
  const cmd = `write -P 0x${pattern.toString(16)} ${offsetMiB}M ${lengthMiB}M`;
  execFileSync(requireTool('qemu-io'), ['-f', 'qcow2', '-c', cmd, path], { stdio: 'pipe' });
}

/** `qemu-img compare`: exit 0 means identical guest-visible content. */
export function compareImages(a: string, b: string): { identical: boolean; output: string } {
  const r = spawnSync(requireTool('qemu-img'), ['compare', '-f', 'qcow2', '-F', 'qcow2', a, b], { encoding: 'utf8' });
  return { identical: r.status === 0, output: `${r.stdout}${r.stderr}`.trim() };
}

/** `qemu-img check` exit status (0 clean) and its output. */
export function checkImage(path: string): { status: number | null; output: string } {
  const r = spawnSync(requireTool('qemu-img'), ['check', '-f', 'qcow2', path], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}`.trim() };
}

export interface ImageInfo {
  filename: string;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
}

export function imageInfo(path: string): ImageInfo {
  const out = execFileSync(requireTool('qemu-img'), ['info', '--output=json', '-f', 'qcow2', path], {
    encoding: 'utf8',
  });
  return JSON.parse(out) as ImageInfo;
}

/** Reads `length` MiB at `offset` MiB and checks every byte is `pattern` (qemu-io read -P). */
export function hasPattern(path: string, pattern: number, offsetMiB: number, lengthMiB: number): boolean {
  const cmd = `read -P 0x${pattern.toString(16)} ${offsetMiB}M ${lengthMiB}M`;
  const r = spawnSync(requireTool('qemu-io'), ['-f', 'qcow2', '-c', cmd, path], { encoding: 'utf8' });
  return r.status === 0 && !/Pattern verification failed/.test(`${r.stdout}${r.stderr}`);
}

/** A fresh directory for one test's images (short, under the system temp dir). */
export function imageDir(): string {
  return mkdtempSync(join(tmpdir(), 'vi-'));
}

/** The guest's view of `path` flattened into a new qcow2, read with -U so a paused QEMU may hold it. */
export function flattenCopy(path: string, out: string): void {
  execFileSync(requireTool('qemu-img'), ['convert', '-U', '-f', 'qcow2', '-O', 'qcow2', path, out]);
}

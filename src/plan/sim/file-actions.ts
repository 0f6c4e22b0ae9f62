// The file-level actions (what the agent does with the engine or qemu-img), applied to the
// simulated files. With a fault, non-atomic actions leave part of their effect, as a crash would.
import type { FileCall } from '../file-call.js';
import { resolveBacking } from '../paths.js';
import { copyPart } from './qemu.js';
import { fileChain, fileOpen, sameView, sparse, viewOfFiles } from './view.js';
import { SimError, type SimWorld } from './world.js';

export function fileAction(w: SimWorld, call: FileCall, fault: boolean): void {
  const part = fault ? 0.5 : 1;
  switch (call.action) {
    case 'create-volume': {
      const v = call.params.volume;
      if (w.files.has(v.path)) throw new SimError('E_PLAN_NAME_TAKEN', `${v.path} exists`);
      w.files.set(v.path, {
        format: v.format,
        size: v.virtualSize,
        backingName: v.backingName,
        backingFormat: call.params.backingFormat,
        blocks: {},
      });
      if (fault) break; // the file is there, the record is not
      w.inv.volumes.push({ ...v });
      return;
    }
    case 'copy-data': {
      const target = need(w, call.params.targetPath);
      const src =
        call.params.depth === 'flatten'
          ? sparse(viewOf(w, call.params.sourcePath))
          : { ...need(w, call.params.sourcePath).blocks };
      copyPart(target.blocks, src, part);
      break;
    }
    case 'flush-volume':
      need(w, call.params.path);
      break;
    case 'verify-copy': {
      const s = need(w, call.params.sourcePath);
      const t = need(w, call.params.targetPath);
      const same =
        call.params.mode === 'metadata'
          ? t.size >= s.size
          : call.params.depth === 'flatten'
            ? sameView(viewOf(w, call.params.sourcePath), viewOf(w, call.params.targetPath))
            : JSON.stringify(s.blocks) === JSON.stringify(t.blocks);
      if (!same)
        throw new SimError('E_PLAN_STEP_FAILED', `${call.params.targetPath} differs from ${call.params.sourcePath}`);
      break;
    }
    case 'check-target': {
      const p = call.params;
      const t = need(w, p.path);
      if (t.format !== p.format || t.size < p.minSize)
        throw new SimError('E_PLAN_REUSE_TARGET_MISMATCH', `${p.path} is ${t.format}, ${t.size}`);
      if (p.expect === 'zeros' && (Object.keys(t.blocks).length || t.backingName))
        throw new SimError('E_PLAN_TARGET_NOT_EMPTY', `${p.path} has data`);
      const backing = t.backingName ? resolveBacking(p.path, t.backingName) : null;
      if (p.expect === 'backing' && backing !== p.backingPath)
        throw new SimError('E_PLAN_TARGET_WRONG_BACKING', `${p.path} names ${backing}`);
      break;
    }
    case 'commit-offline': {
      const chain = fileChain(w, call.params.topPath) ?? [];
      const segment = chain.slice(0, chain.indexOf(call.params.basePath));
      const merged: Record<number, string> = {};
      for (const p of [...segment].reverse()) Object.assign(merged, w.files.get(p)!.blocks);
      copyPart(need(w, call.params.basePath).blocks, merged, part);
      break;
    }
    case 'rebase-offline':
      need(w, call.params.path).backingName = call.params.backingName;
      break;
    case 'delete-volume':
      if (w.files.has(call.params.path)) removeFile(w, call.params.path);
      if (fault) break;
      w.inv.volumes = w.inv.volumes.filter((v) => v.id !== call.params.volume);
      return;
    case 'rename-volumes':
      // Atomic (a fault fails it before any effect, simulate.ts): every file moves with its record.
      renameVolumes(w, call.params.moves);
      return;
    case 'delete-file': {
      const f = w.files.get(call.params.path);
      if (!f) return;
      if (call.params.wipe) f.blocks = {};
      if (fault) break;
      removeFile(w, call.params.path);
      return;
    }
  }
  if (fault) throw new SimError('E_PLAN_STEP_FAILED', `injected fault in ${call.action}`);
}

function renameVolumes(w: SimWorld, moves: { volume: string; pool: string; fromPath: string; toPath: string }[]): void {
  for (const m of moves) {
    if (!w.files.has(m.fromPath)) throw new SimError('E_NOT_FOUND', `${m.fromPath} does not exist`);
    if (w.files.has(m.toPath)) throw new SimError('E_PLAN_NAME_TAKEN', `${m.toPath} exists`);
  }
  for (const m of moves) {
    if (fileOpen(w, m.fromPath)) w.violations.push(`renamed ${m.fromPath} while QEMU has it open`);
    w.files.set(m.toPath, w.files.get(m.fromPath)!);
    w.files.delete(m.fromPath);
    const v = w.inv.volumes.find((x) => x.id === m.volume);
    if (v) Object.assign(v, { path: m.toPath, pool: m.pool });
  }
}

function removeFile(w: SimWorld, path: string): void {
  if (fileOpen(w, path)) w.violations.push(`deleted ${path} while QEMU has it open`);
  w.files.delete(path);
}

function need(w: SimWorld, path: string) {
  const f = w.files.get(path);
  if (!f) throw new SimError('E_NOT_FOUND', `${path} does not exist`);
  return f;
}

function viewOf(w: SimWorld, path: string) {
  const chain = fileChain(w, path);
  if (!chain) throw new SimError('E_BACKING_MISSING', `the chain of ${path} is broken`);
  return viewOfFiles(w, chain);
}

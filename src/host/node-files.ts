// The engine's file access on a Node host for the CLI (the agent has its own, checked one in
// src/agent/storage/checked-io.ts): a name is a path or a URL, targets are Node files, names recorded
// inside an image resolve next to it (as QEMU does), and a name's identity is its real path.
import { realpath } from 'node:fs/promises';
import type { FileAccess } from '../engine/ops/open.js';
import { NodeFileTarget } from '../io/node-file-target.js';
import { openSource } from '../io/open-source.js';
import { resolveRelative } from './node-gate.js';

export const nodeFiles: FileAccess = {
  source: (name) => openSource(name),
  target: (name, o) => NodeFileTarget.create(name, o),
  resolve: resolveRelative,
  identity: (name) => realpath(name).catch(() => name),
};

// Imports point down (issue 15 item 3): every arrow between top folders, as a table. A new arrow is a
// design decision: add it here, in the open, or move the code to where the arrow already points.
// The CLI is the top: nothing imports it. Protocol layers (src/qmp) know nothing of the planner.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossings, folderOf } from './import-graph.js';
import { valueImports } from './value-imports.js';

const root = new URL('../../', import.meta.url).pathname;

/** from → the folders it may import. Folders not listed may import nothing outside themselves. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  assembly: [],
  'src/errors': [],
  'src/term': [],
  // Draining, metrics and graceful close shared by agent and gateway (Hono middleware, no vdisk imports).
  'src/ops': [],
  'src/io': ['src/errors'],
  // dist: the types asc generates for the engine's exports (a type-only import in core/load.ts).
  'src/engine': ['assembly', 'src/io', 'src/errors', 'dist'],
  dist: [],
  // The engine on a Node host: the Wasm from dist/, files by name, backing names next to the image.
  'src/host': ['src/engine', 'src/io', 'src/errors'],
  'src/qmp': ['src/errors'],
  'src/plan': ['src/qmp', 'src/errors'],
  'src/auth': ['src/errors'],
  'src/agent': [
    'src/engine',
    'src/host',
    'src/io',
    'src/plan',
    'src/qmp',
    'src/auth',
    'src/errors',
    'src/term',
    'src/ops',
  ],
  'src/gateway': ['src/plan', 'src/auth', 'src/errors', 'src/term', 'src/ops'],
  'src/start': ['src/agent', 'src/gateway', 'src/engine', 'src/host', 'src/io', 'src/auth', 'src/errors', 'src/term'],
  'src/cli': [
    'src/agent',
    'src/gateway',
    'src/start',
    'src/engine',
    'src/host',
    'src/io',
    'src/plan',
    'src/qmp',
    'src/auth',
    'src/errors',
    'src/term',
    'package.json',
  ],
  worker: ['src/engine', 'src/io', 'src/errors', 'assembly'],
  // The console's client is hc<AppType>: it imports the gateway's app for its type only.
  web: ['worker', 'src/plan', 'src/errors', 'assembly', 'src/gateway'],
};

describe('imports point down', () => {
  const arrows = crossings(root);

  it('reads the real tree (the graph is not empty)', () => {
    expect(arrows.length).toBeGreaterThan(100);
    expect(arrows.some((a) => a.from === 'src/cli' && a.to === 'src/engine')).toBe(true);
  });

  it('every import between folders follows an allowed arrow', () => {
    const wrong = arrows
      .filter((a) => !(ALLOWED[a.from] ?? []).includes(a.to))
      .map((a) => `${a.from} -> ${a.to}: ${a.file} imports ${a.specifier}`);
    expect(wrong).toEqual([]);
  });

  it('every folder of the tree has a row in the table', () => {
    const folders = new Set(arrows.flatMap((a) => [a.from, a.to]).filter((f) => f !== 'package.json'));
    expect([...folders].filter((f) => !(f in ALLOWED))).toEqual([]);
  });

  it('reaches into dist/ only for the types asc generated, never for code', () => {
    const into = arrows.filter((a) => a.to === 'dist');
    expect(into.map((a) => `${a.file} ${a.specifier}`)).toEqual([
      'src/engine/core/load.ts ../../../dist/engine.simd.js',
    ]);
    const text = readFileSync(join(root, 'src/engine/core/load.ts'), 'utf8');
    expect(valueImports(text).filter((s) => s.includes('dist/'))).toEqual([]);
  });

  it('knows folders as the table names them', () => {
    expect([folderOf('src/engine/qcow2/writer.ts'), folderOf('worker/bridge.ts'), folderOf('package.json')]).toEqual([
      'src/engine',
      'worker',
      'package.json',
    ]);
  });
});

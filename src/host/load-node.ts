// Node: finds the built engine next to the bundle (dist/) or, under vitest, in the repo's dist/.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiateEngine, simdSupported, type EngineExports, type EngineFlavor } from '../engine/core/load.js';

function candidates(flavor: EngineFlavor): URL[] {
  const name = `engine.${flavor}.wasm`;
  return [
    new URL(`./${name}`, import.meta.url),
    new URL(`../${name}`, import.meta.url) /* from dist/chunks/ */,
    new URL(`../../dist/${name}`, import.meta.url) /* from src/host/ under vitest */,
    new URL(`../dist/${name}`, import.meta.url) /* from a bundle in a top folder (scripts/, bench/) */,
  ];
}

export async function loadEngineNode(flavor?: EngineFlavor): Promise<{ exports: EngineExports; flavor: EngineFlavor }> {
  const chosen = flavor ?? (simdSupported() ? 'simd' : 'scalar');
  const url = candidates(chosen).find((u) => existsSync(fileURLToPath(u)));
  if (!url) throw new Error(`engine.${chosen}.wasm not found: run npm run build`);
  return { exports: await instantiateEngine(await readFile(url)), flavor: chosen };
}

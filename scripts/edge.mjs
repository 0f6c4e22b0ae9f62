// npm run edge -- --agent NAME=URL,secret-file=FILE ... --token-file FILE [--listen HOST:PORT]
// Builds the launcher (src/gateway/edge/launch.ts) for Node and runs it: it bundles the gateway for
// workerd and serves it there with secrets as bindings.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const outfile = join(root, 'dist/edge-launch.mjs');
await build({
  entryPoints: [join(root, 'src/gateway/edge/launch.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  target: 'es2022',
  logLevel: 'warning',
});
const { edgeCommand } = await import(outfile);
const io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) };
try {
  process.exitCode = await edgeCommand(process.argv.slice(2), io, root);
} catch (e) {
  io.stderr(`vdisk edge: ${typeof e?.toLine === 'function' ? e.toLine() : e}\n`);
  process.exitCode = 1;
}

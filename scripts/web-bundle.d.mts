import type { BuildOptions } from 'esbuild';
export function webBundleOptions(root: string, outdir: string): BuildOptions;

// zstd frames for compressed clusters (compression_type=zstd), encoded by the Wasm build of the
// reference library (@hpcc-js/wasm-zstd: runs in browsers, workers and Node); decoding stays fzstd.
import { Zstd } from '@hpcc-js/wasm-zstd';

let loaded: Promise<Zstd> | undefined;

export async function zstdCompressor(level = 3): Promise<(data: Uint8Array) => Uint8Array> {
  const z = await (loaded ??= Zstd.load());
  return (data) => z.compress(data, level);
}

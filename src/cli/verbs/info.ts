// `vdisk info`: the chain's qemu-img-shaped JSON lives in the engine's read side (src/engine/info.ts).
// This re-export keeps branches written before the move compiling; scripts/house/move.mjs deletes it
// and rewrites importers.
export { chainInfo, layerInfo } from '../../engine/info.js';

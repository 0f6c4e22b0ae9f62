// Moved: the demo chain `npm start` shows is built in src/start/demo-image.ts. This re-export keeps
// branches written before the move compiling; scripts/house/move.mjs deletes it and rewrites importers.
export { writeDemoChain } from '../start/demo-image.js';

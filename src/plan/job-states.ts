// Moved: QEMU's job table is a QEMU fact and lives in src/qmp/job-states.ts. This re-export keeps
// branches written before the move compiling; scripts/house/move.mjs deletes it and rewrites importers.
export * from '../qmp/job-states.js';

// Snapshot table and bitmap directory listing (see qcow2/snapshots.ts, qcow2/bitmaps.ts).
export {};

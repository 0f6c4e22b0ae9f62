// The I/O request record the engine queues and its host performs, as plain numbers shared with
// TypeScript (src/engine/core/engine.ts); requests.ts draws the record and gives the Wasm side typed views.
export const OP_READ = 1;         // read len bytes at offset into dst
export const OP_READ_DEFLATE = 2; // read len bytes, inflate a whole cluster, copy out bytes from aux to dst
export const OP_READ_ZSTD = 3;    // read len bytes, zstd-decode them into out bytes at dst

export const MAX_REQUESTS = 256;
export const REQ_SIZE = 32;
export const REQ_OP = 0;      // u32
export const REQ_FILE = 4;    // u32: slot * 2 + (1 if the layer's external data file)
export const REQ_OFFSET = 8;  // f64
export const REQ_LEN = 16;    // u32
export const REQ_DST = 20;    // u32
export const REQ_OUT = 24;    // u32
export const REQ_AUX = 28;    // u32

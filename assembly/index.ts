// The engine's exports: numbers in, numbers out; data lives in static buffers in linear memory.
export { OK } from './status';

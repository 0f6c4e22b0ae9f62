// The detail of the last error: which field, at which file offset, with which value. Error paths
// set it and return the status code; the TypeScript side reads it through the exports.
import { OK } from './status';

export let errField: u32 = 0;
export let errOffset: u64 = 0;
export let errValue: u64 = 0;
export let errSlot: i32 = -1;

export function fail(code: i32, slot: i32, field: u32, offset: u64, value: u64): i32 {
  errSlot = slot;
  errField = field;
  errOffset = offset;
  errValue = value;
  return code;
}

export function clearError(): i32 {
  errSlot = -1;
  errField = 0;
  errOffset = 0;
  errValue = 0;
  return OK;
}

// One layer's run at a guest offset, whatever its format.
import * as S from '../status';
import * as R from '../runs';
import { Layer, FMT_RAW } from '../layer';
import { qcow2RunAt } from '../qcow2/lookup';

export function layerRunAt(slot: i32, l: Layer, pos: u64, maxLen: u64): i32 {
  if (l.format != FMT_RAW) return qcow2RunAt(slot, l, pos, maxLen);
  // Raw: the file's own allocation decides (the host refines RUN_RAW runs by SEEK_DATA/SEEK_HOLE);
  // the tail past the file up to the next whole sector reads as zeros, as in QEMU.
  if (pos >= l.fileSize) {
    R.setRun(maxLen, R.RUN_ALLOCATED | R.RUN_ZERO | R.RUN_OFFSET, pos);
  } else {
    R.setRun(min<u64>(maxLen, l.fileSize - pos), R.RUN_ALLOCATED | R.RUN_DATA | R.RUN_OFFSET | R.RUN_RAW, pos);
  }
  return S.OK;
}

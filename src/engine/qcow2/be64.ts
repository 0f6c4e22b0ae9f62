// Big-endian u64 fields as JS numbers (exact up to 2^53, which bounds every qcow2 offset and size):
// the one pair of helpers the TypeScript qcow2 code reads and writes header and table fields with.
const HI = 2 ** 32;

export function getU64(dv: DataView, at: number): number {
  return dv.getUint32(at) * HI + dv.getUint32(at + 4);
}

/** The low 32 bits of a u64 field: exact for flag words whatever their high bits hold. */
export function getU64Low(dv: DataView, at: number): number {
  return dv.getUint32(at + 4);
}

export function setU64(dv: DataView, at: number, v: number): void {
  dv.setUint32(at, Math.floor(v / HI));
  dv.setUint32(at + 4, v >>> 0);
}

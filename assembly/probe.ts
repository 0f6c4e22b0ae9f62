// Format recognition from the first bytes of an image. Only raw and qcow2 are read; the others are
// named so the user gets "this is a vmdk" rather than a raw image full of surprises.
import { be32 } from './util/be';

export const PROBE_UNKNOWN: u32 = 0;
export const PROBE_QCOW2: u32 = 100;
// Recognised, unsupported (reported in the error's value).
export const PROBE_VMDK: u32 = 1;
export const PROBE_VHDX: u32 = 2;
export const PROBE_VDI: u32 = 3;
export const PROBE_QED: u32 = 4;
export const PROBE_LUKS: u32 = 5;
export const PROBE_VPC: u32 = 6;
export const PROBE_PARALLELS: u32 = 7;
export const PROBE_BOCHS: u32 = 8;

function startsWith(p: usize, have: u64, a: u64, n: u32): bool {
  // compares up to 8 bytes of `a` (big-endian packed) at p
  if (have < <u64>n) return false;
  for (let i: u32 = 0; i < n; i++) {
    const want = <u8>((a >> (<u64>(n - 1 - i) * 8)) & 0xff);
    if (load<u8>(p + i) != want) return false;
  }
  return true;
}

export function probe(p: usize, have: u64): u32 {
  if (have >= 4 && be32(p) == 0x514649fb) return PROBE_QCOW2;
  if (startsWith(p, have, 0x4b444d56, 4) || startsWith(p, have, 0x434f5744, 4)) return PROBE_VMDK; // KDMV, COWD
  if (startsWith(p, have, 0x23204469736b2044, 8)) return PROBE_VMDK; // "# Disk D"escriptorFile
  if (startsWith(p, have, 0x7668647866696c65, 8)) return PROBE_VHDX; // vhdxfile
  if (have >= 0x44 && load<u32>(p + 0x40) == 0xbeda107f) return PROBE_VDI; // little-endian signature
  if (startsWith(p, have, 0x51454400, 4)) return PROBE_QED; // "QED\0"
  if (startsWith(p, have, 0x4c554b53babe, 6)) return PROBE_LUKS; // "LUKS\xba\xbe"
  if (startsWith(p, have, 0x636f6e6563746978, 8)) return PROBE_VPC; // conectix
  if (startsWith(p, have, 0x576974686f757446, 8)) return PROBE_PARALLELS; // "WithoutF"reeSpace
  if (startsWith(p, have, 0x426f636873205669, 8)) return PROBE_BOCHS; // "Bochs Vi"rtual HD Image
  return PROBE_UNKNOWN;
}

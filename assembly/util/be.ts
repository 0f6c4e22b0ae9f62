// Big-endian loads and stores: qcow2 keeps every integer big-endian (qcow2.txt "All numbers in qcow2
// are stored in Big Endian byte order").
@inline export function be64(p: usize): u64 { return bswap<u64>(load<u64>(p)); }
@inline export function be32(p: usize): u32 { return bswap<u32>(load<u32>(p)); }
@inline export function be16(p: usize): u16 { return bswap<u16>(load<u16>(p)); }
@inline export function setBe64(p: usize, v: u64): void { store<u64>(p, bswap<u64>(v)); }
@inline export function setBe32(p: usize, v: u32): void { store<u32>(p, bswap<u32>(v)); }
@inline export function setBe16(p: usize, v: u16): void { store<u16>(p, bswap<u16>(v)); }

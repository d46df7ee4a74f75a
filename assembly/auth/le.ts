// Little-endian integers in byte arrays: the token store's slot header and
// the record codec both use them. Callers check bounds first.

export function putU16(dst: Uint8Array, at: i32, v: u32): void {
  dst[at] = <u8>v;
  dst[at + 1] = <u8>(v >>> 8);
}

export function putU32(dst: Uint8Array, at: i32, v: u32): void {
  dst[at] = <u8>v;
  dst[at + 1] = <u8>(v >>> 8);
  dst[at + 2] = <u8>(v >>> 16);
  dst[at + 3] = <u8>(v >>> 24);
}

export function getU16(src: Uint8Array, at: i32): u32 {
  return <u32>src[at] | (<u32>src[at + 1] << 8);
}

export function getU32(src: Uint8Array, at: i32): u32 {
  return <u32>src[at] | (<u32>src[at + 1] << 8) | (<u32>src[at + 2] << 16) | (<u32>src[at + 3] << 24);
}

// Little-endian integers in byte arrays: the token store's slot header and
// the record codec both use them. Callers check bounds first. WebAssembly
// memory is little-endian, so each is one unaligned load or store.

export function putU16(dst: Uint8Array, at: i32, v: u32): void {
  store<u16>(dst.dataStart + <usize>at, <u16>v);
}

export function putU32(dst: Uint8Array, at: i32, v: u32): void {
  store<u32>(dst.dataStart + <usize>at, v);
}

export function getU16(src: Uint8Array, at: i32): u32 {
  return <u32>load<u16>(src.dataStart + <usize>at);
}

export function getU32(src: Uint8Array, at: i32): u32 {
  return load<u32>(src.dataStart + <usize>at);
}

export function putI64(dst: Uint8Array, at: i32, v: i64): void {
  store<i64>(dst.dataStart + <usize>at, v);
}

export function getI64(src: Uint8Array, at: i32): i64 {
  return load<i64>(src.dataStart + <usize>at);
}

// CRC-32 as in IEEE 802.3 (also zlib, PNG): reflected, polynomial 0xEDB88320,
// initial value and final XOR 0xFFFFFFFF. Check value: "123456789" -> 0xCBF43926.
//
// Bit by bit, without a table: a slot of a few KiB is checked in well under
// a millisecond, and neither the table's 1 KiB of RAM nor its code is spent.

/**
 * Feeds `data[start..end)` into a running CRC register. `crc` is the raw
 * register (start with 0xFFFFFFFF, XOR the final value with 0xFFFFFFFF).
 * Out-of-range bounds are clamped, never trapped on.
 */
export function crc32Update(crc: u32, data: Uint8Array, start: i32, end: i32): u32 {
  if (start < 0) start = 0;
  if (end > data.length) end = data.length;
  for (let i = start; i < end; i++) {
    crc ^= <u32>load<u8>(data.dataStart + <usize>i);
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return crc;
}

/** CRC-32 of `data[start..end)`; bounds are clamped to the array. */
export function crc32(data: Uint8Array, start: i32, end: i32): u32 {
  return crc32Update(0xffffffff, data, start, end) ^ 0xffffffff;
}

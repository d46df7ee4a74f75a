// CRC-32 as in IEEE 802.3 (also zlib, PNG): reflected, polynomial 0xEDB88320,
// initial value and final XOR 0xFFFFFFFF. Check value: "123456789" -> 0xCBF43926.
//
// Table-driven, one byte per step. The 1 KiB table is built on first use.

let table: StaticArray<u32> | null = null;

function crcTable(): StaticArray<u32> {
  let t = table;
  if (t !== null) return t;
  const built = new StaticArray<u32>(256);
  for (let n: u32 = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    unchecked((built[n] = c));
  }
  table = built;
  return built;
}

/**
 * Feeds `data[start..end)` into a running CRC register. `crc` is the raw
 * register (start with 0xFFFFFFFF, XOR the final value with 0xFFFFFFFF).
 * Out-of-range bounds are clamped, never trapped on.
 */
export function crc32Update(crc: u32, data: Uint8Array, start: i32, end: i32): u32 {
  const len = data.length;
  if (start < 0) start = 0;
  if (end > len) end = len;
  if (start >= end) return crc;
  const t = crcTable();
  const base = data.dataStart;
  for (let i = start; i < end; i++) {
    const b = <u32>load<u8>(base + <usize>i);
    crc = unchecked(t[(crc ^ b) & 0xff]) ^ (crc >>> 8);
  }
  return crc;
}

/** CRC-32 of `data[start..end)`; bounds are clamped to the array. */
export function crc32(data: Uint8Array, start: i32, end: i32): u32 {
  return crc32Update(0xffffffff, data, start, end) ^ 0xffffffff;
}

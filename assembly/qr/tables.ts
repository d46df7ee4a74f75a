// Capacity tables for QR Code versions 1 to 10 at error-correction levels
// L and M, from ISO/IEC 18004:2015 Table 9 ("Error correction
// characteristics for QR Code").
//
// A version's codewords (8-bit bytes) are split into blocks. Every block
// carries the same number of error-correction codewords; the data
// codewords are shared out as evenly as possible, so some blocks hold one
// data codeword more than others (the "long" blocks come last).

/** The largest version this encoder produces (57 × 57 modules). */
export const MAX_VERSION: i32 = 10;

/**
 * Error-correction level. L recovers about 7 % of the codewords, M about
 * 15 %. The values are the encoder's own indices, not the two-bit
 * indicators of the format information (see format.ts for those).
 */
export enum Ecl {
  L = 0,
  M = 1,
}

/**
 * Total codewords (data + error correction) in each version, index
 * version − 1. This is the number of 8-bit codewords that fit in the
 * modules left after the function patterns; the leftover 0–7 "remainder
 * bits" (7 for versions 2–6, none for 1 and 7–10) are placed as light
 * modules before masking.
 */
const TOTAL_CODEWORDS: StaticArray<u16> = [26, 44, 70, 100, 134, 172, 196, 242, 292, 346];

/**
 * Per version (row version − 1): error-correction codewords per block and
 * number of blocks at level L, then the same at level M.
 */
// prettier-ignore
const BLOCKS: StaticArray<u8> = [
  //  L        M
  7, 1,   10, 1, // 1
  10, 1,  16, 1, // 2
  15, 1,  26, 1, // 3
  20, 1,  18, 2, // 4
  26, 1,  24, 2, // 5
  18, 2,  16, 4, // 6
  20, 2,  18, 4, // 7
  24, 2,  22, 4, // 8
  30, 2,  22, 5, // 9
  18, 4,  26, 5, // 10
];

export function totalCodewords(version: i32): i32 {
  return <i32>TOTAL_CODEWORDS[version - 1];
}

export function eccPerBlock(version: i32, ecl: Ecl): i32 {
  return <i32>BLOCKS[(version - 1) * 4 + (ecl == Ecl.L ? 0 : 2)];
}

export function blockCount(version: i32, ecl: Ecl): i32 {
  return <i32>BLOCKS[(version - 1) * 4 + (ecl == Ecl.L ? 1 : 3)];
}

/** Data codewords of the whole symbol: the total minus every block's ECC. */
export function dataCodewords(version: i32, ecl: Ecl): i32 {
  return totalCodewords(version) - eccPerBlock(version, ecl) * blockCount(version, ecl);
}

/**
 * Bits of the byte-mode character count indicator: 8 for versions 1–9,
 * 16 for versions 10–26 (ISO/IEC 18004 Table 3).
 */
export function byteCountBits(version: i32): i32 {
  return version <= 9 ? 8 : 16;
}

/**
 * How many bytes one byte-mode segment can carry in this version: the data
 * bits minus the 4-bit mode indicator and the character count indicator,
 * in whole bytes (ISO/IEC 18004 Table 7, "Byte" column).
 */
export function byteCapacity(version: i32, ecl: Ecl): i32 {
  return (dataCodewords(version, ecl) * 8 - 4 - byteCountBits(version)) >> 3;
}

/**
 * Centre coordinates of the alignment patterns (Annex E), the same list for
 * rows and columns. Version 1 has none. Versions 2–6 have one pattern on
 * the diagonal, 6 modules in from the far corner (list: 6, size − 7);
 * versions 7–13 add a middle row and column halfway between (list: 6,
 * middle, size − 7). Patterns that would overlap a finder are skipped by
 * the caller.
 */
export function alignmentPositions(version: i32): StaticArray<i32> {
  if (version == 1) return new StaticArray<i32>(0);
  const last = version * 4 + 17 - 7;
  if (version < 7) {
    const list = new StaticArray<i32>(2);
    list[0] = 6;
    list[1] = last;
    return list;
  }
  const list = new StaticArray<i32>(3);
  list[0] = 6;
  list[1] = (6 + last) >> 1;
  list[2] = last;
  return list;
}

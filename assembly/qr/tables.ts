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

/** Error-correction codewords per block at level L, index version − 1. */
const ECC_PER_BLOCK_L: StaticArray<u8> = [7, 10, 15, 20, 26, 18, 20, 24, 30, 18];
/** Number of blocks at level L, index version − 1. */
const BLOCKS_L: StaticArray<u8> = [1, 1, 1, 1, 1, 2, 2, 2, 2, 4];

/** Error-correction codewords per block at level M, index version − 1. */
const ECC_PER_BLOCK_M: StaticArray<u8> = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26];
/** Number of blocks at level M, index version − 1. */
const BLOCKS_M: StaticArray<u8> = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5];

export function totalCodewords(version: i32): i32 {
  return <i32>TOTAL_CODEWORDS[version - 1];
}

export function eccPerBlock(version: i32, ecl: Ecl): i32 {
  return <i32>(ecl == Ecl.L ? ECC_PER_BLOCK_L[version - 1] : ECC_PER_BLOCK_M[version - 1]);
}

export function blockCount(version: i32, ecl: Ecl): i32 {
  return <i32>(ecl == Ecl.L ? BLOCKS_L[version - 1] : BLOCKS_M[version - 1]);
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

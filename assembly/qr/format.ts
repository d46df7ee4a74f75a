// Format and version information (ISO/IEC 18004 §7.9 and §7.10).
//
// Both are short BCH codes: the payload bits shifted up by the degree of a
// generator polynomial, followed by the remainder of that division, so a
// reader can correct a few misread modules.

import { Ecl } from "./tables";

/** BCH(15,5) generator x^10 + x^8 + x^5 + x^4 + x^2 + x + 1 (§7.9.1). */
const FORMAT_GENERATOR: u32 = 0x537;
/**
 * XORed into the 15 format bits (§7.9.1) so that no combination of level
 * and mask gives all-zero format information.
 */
const FORMAT_MASK: u32 = 0x5412;
/** BCH(18,6) generator x^12 + x^11 + x^10 + x^9 + x^8 + x^5 + x^2 + 1 (§7.10, Annex D). */
const VERSION_GENERATOR: u32 = 0x1f25;

/** `value` followed by its `degree`-bit BCH remainder for the given generator. */
function bchEncode(value: u32, generator: u32, degree: i32): u32 {
  let rem = value << degree;
  // Long division over GF(2): clear each set bit from the top down to x^degree.
  for (let bit = 31; bit >= degree; bit--) {
    if ((rem >> bit) & 1) rem ^= generator << (bit - degree);
  }
  return (value << degree) | rem;
}

/**
 * Two-bit error-correction level indicator of the format information
 * (§7.9.1 Table 12): L = 01, M = 00 (Q = 11 and H = 10 are not produced).
 */
function levelIndicator(ecl: Ecl): u32 {
  return ecl == Ecl.L ? 0b01 : 0b00;
}

/**
 * The 15 format bits for a level and mask pattern (0–7), bit 14 first in
 * the standard's reading order. Example: level M, mask 0 gives 0x5412.
 */
export function formatBits(ecl: Ecl, mask: i32): i32 {
  const data = (levelIndicator(ecl) << 3) | (<u32>mask & 7);
  return <i32>(bchEncode(data, FORMAT_GENERATOR, 10) ^ FORMAT_MASK);
}

/**
 * The 18 version bits for versions 7 and up (§7.10); the 6-bit version
 * number followed by a 12-bit remainder. Version 7 gives 0x07C94.
 */
export function versionBits(version: i32): i32 {
  return <i32>bchEncode(<u32>version, VERSION_GENERATOR, 12);
}

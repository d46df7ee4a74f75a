// Reed–Solomon error correction for QR Code (ISO/IEC 18004 §7.5.2).
//
// Codewords are elements of GF(2^8) built with the reducing polynomial
// x^8 + x^4 + x^3 + x^2 + 1 (0x11D); α = 2 generates the field. The ECC
// codewords of a block are the remainder of data(x) · x^n divided by the
// generator polynomial g(x) = (x − α^0)(x − α^1)…(x − α^(n−1)), where n is
// the number of ECC codewords per block.

/** The reducing polynomial x^8 + x^4 + x^3 + x^2 + 1, bit i = coefficient of x^i. */
const REDUCING_POLY: u32 = 0x11d;

/**
 * Product of two field elements: carry-less "shift and add" multiplication,
 * reducing whenever the partial product reaches degree 8. Eight steps and
 * no tables, which keeps the firmware's static data small.
 */
export function gfMul(a: u32, b: u32): u32 {
  let product: u32 = 0;
  for (let i = 0; i < 8; i++) {
    if (b & 1) product ^= a;
    b >>= 1;
    a <<= 1;
    if (a & 0x100) a ^= REDUCING_POLY;
  }
  return product;
}

/**
 * Coefficients of the monic generator polynomial of the given degree,
 * highest power first, without the leading 1: result[0] multiplies
 * x^(degree−1) and result[degree − 1] is the constant term.
 */
export function rsGenerator(degree: i32): Uint8Array {
  const g = new Uint8Array(degree);
  // Start from g(x) = 1 (stored as the implicit leading coefficient) and
  // multiply in one factor (x − α^i) at a time; in GF(2^8) minus is XOR.
  g[degree - 1] = 1;
  let root: u32 = 1; // α^0
  for (let i = 0; i < degree; i++) {
    // g(x) · (x + root): shift every coefficient up one power and add
    // root · g(x). The array holds the lower `degree` coefficients of a
    // polynomial whose leading term is implicit.
    for (let j = 0; j < degree; j++) {
      const next: u32 = j + 1 < degree ? <u32>g[j + 1] : 0;
      g[j] = <u8>(gfMul(g[j], root) ^ next);
    }
    root = gfMul(root, 2);
  }
  return g;
}

/**
 * The `generator.length` ECC codewords for `data[start, start + len)`:
 * polynomial long division of data(x) · x^n by the generator, done as a
 * shift register (the standard's Figure "Division circuit").
 */
export function rsRemainder(data: Uint8Array, start: i32, len: i32, generator: Uint8Array): Uint8Array {
  const n = generator.length;
  const rem = new Uint8Array(n);
  for (let i = 0; i < len; i++) {
    const factor: u32 = <u32>data[start + i] ^ <u32>rem[0];
    // Shift the register by one codeword, then add factor · g(x).
    for (let j = 0; j < n - 1; j++) rem[j] = rem[j + 1];
    rem[n - 1] = 0;
    if (factor != 0) {
      for (let j = 0; j < n; j++) rem[j] ^= <u8>gfMul(generator[j], factor);
    }
  }
  return rem;
}

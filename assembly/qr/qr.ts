// QR Code encoder (ISO/IEC 18004:2015), model 2, byte mode, levels L and M,
// versions 1–10. The steps, each in its own file:
//
//   tables.ts     how many codewords and blocks each version/level has
//   codewords.ts  bytes → data codewords → blocks + ECC → interleaved
//   rs.ts         Reed–Solomon ECC over GF(256)
//   matrix.ts     function patterns and the zigzag placement of the bits
//   format.ts     format and version information (BCH codes)
//   mask.ts       the eight masks and the penalty score that picks one
//
// Usage: `encodeQr(utf8Bytes, Ecl.M)` returns the smallest symbol that
// holds the bytes, or null when even version 10 is too small.

import { Ecl, MAX_VERSION, byteCapacity } from "./tables";
import { dataCodewordsFor, interleavedCodewords } from "./codewords";
import { Matrix } from "./matrix";
import { penalty } from "./mask";

export { Ecl, MAX_VERSION, byteCapacity } from "./tables";

/** A finished symbol. Read it with `getModule`; it does not change. */
export class QrCode {
  constructor(
    /** 1–10. */
    public readonly version: i32,
    /** Modules per side, 17 + 4 · version (without the quiet zone). */
    public readonly size: i32,
    public readonly ecl: Ecl,
    /** The mask pattern in use, 0–7. */
    public readonly mask: i32,
    private readonly modules: Uint8Array,
  ) {}

  /** Whether the module at column `x`, row `y` is dark; false outside the symbol. */
  getModule(x: i32, y: i32): bool {
    if (x < 0 || y < 0 || x >= this.size || y >= this.size) return false;
    return this.modules[y * this.size + x] != 0;
  }
}

/**
 * The smallest version (1–10) whose byte-mode capacity at `ecl` holds
 * `byteLength` bytes, or 0 when none does.
 */
export function smallestVersion(byteLength: i32, ecl: Ecl): i32 {
  if (byteLength < 0) return 0;
  for (let v = 1; v <= MAX_VERSION; v++) {
    if (byteLength <= byteCapacity(v, ecl)) return v;
  }
  return 0;
}

/**
 * Encodes `bytes` (for text: its UTF-8 bytes) as one byte-mode segment in
 * the smallest version that fits at level `ecl`.
 *
 * `forceMask` 0–7 uses that mask pattern; any other value (the default −1)
 * picks the mask with the lowest §7.8.3 penalty, the first one on a tie.
 * Returns null when the data needs more than version 10.
 */
export function encodeQr(bytes: Uint8Array, ecl: Ecl, forceMask: i32 = -1): QrCode | null {
  if (ecl != Ecl.L && ecl != Ecl.M) return null;
  const version = smallestVersion(bytes.length, ecl);
  if (version == 0) return null;

  const codewords = interleavedCodewords(dataCodewordsFor(bytes, version, ecl), version, ecl);
  const m = new Matrix(version);
  m.drawFunctionPatterns(ecl);
  m.placeCodewords(codewords);

  let mask = forceMask;
  if (mask < 0 || mask > 7) {
    // §7.8.3: score every mask on the complete symbol, format bits included.
    let best = i32.MAX_VALUE;
    for (let candidate = 0; candidate < 8; candidate++) {
      m.applyMask(candidate);
      m.drawFormat(ecl, candidate);
      const score = penalty(m.modules, m.size);
      if (score < best) {
        best = score;
        mask = candidate;
      }
      m.applyMask(candidate); // XOR again undoes it
    }
  }
  m.applyMask(mask);
  m.drawFormat(ecl, mask);
  return new QrCode(version, m.size, ecl, mask, m.modules);
}

/** `encodeQr` with a fixed mask pattern (0–7), for comparing against other encoders. */
export function encodeQrWithMask(bytes: Uint8Array, ecl: Ecl, mask: i32): QrCode | null {
  return encodeQr(bytes, ecl, mask & 7);
}

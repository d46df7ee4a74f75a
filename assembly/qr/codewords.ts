// From payload bytes to the final codeword sequence (ISO/IEC 18004 §7.4,
// §7.5 and §7.6): one byte-mode segment, terminator and padding, split
// into blocks, Reed–Solomon ECC per block, then the blocks interleaved.

import { Ecl, blockCount, byteCountBits, dataCodewords, eccPerBlock, totalCodewords } from "./tables";
import { rsGenerator, rsRemainder } from "./rs";

/** Mode indicator of byte mode, 0100 (§7.4.2 Table 2). */
const MODE_BYTE: u32 = 0b0100;
/**
 * Pad codewords 11101100 and 00010001, used alternately to fill the data
 * capacity after the terminator (§7.4.10).
 */
const PAD_A: u8 = 0xec;
const PAD_B: u8 = 0x11;

/** Appends bits most significant first into a zero-filled byte array. */
class BitWriter {
  bitLength: i32 = 0;
  constructor(public bytes: Uint8Array) {}

  write(value: u32, count: i32): void {
    for (let i = count - 1; i >= 0; i--) {
      if ((value >> i) & 1) {
        const at = this.bitLength >> 3;
        this.bytes[at] = this.bytes[at] | <u8>(<u32>0x80 >> <u32>(this.bitLength & 7));
      }
      this.bitLength++;
    }
  }
}

/**
 * The data codewords for `bytes` in `version`: mode indicator, character
 * count, the bytes, up to four terminator zero bits, zero bits to a byte
 * boundary, then pad codewords. The caller has checked that it fits.
 */
export function dataCodewordsFor(bytes: Uint8Array, version: i32, ecl: Ecl): Uint8Array {
  const capacity = dataCodewords(version, ecl);
  const w = new BitWriter(new Uint8Array(capacity));
  w.write(MODE_BYTE, 4);
  w.write(<u32>bytes.length, byteCountBits(version));
  for (let i = 0; i < bytes.length; i++) w.write(bytes[i], 8);
  // Terminator: up to four zero bits, fewer if the symbol is full (§7.4.9).
  // The array is zero-filled, so skipping bits writes zeros; rounding up
  // to a whole byte is the zero padding of §7.4.10.
  const terminator = min(4, capacity * 8 - w.bitLength);
  const used = (w.bitLength + terminator + 7) >> 3;
  for (let i = used; i < capacity; i++) {
    w.bytes[i] = (i - used) % 2 == 0 ? PAD_A : PAD_B;
  }
  return w.bytes;
}

/**
 * All codewords of the symbol in placement order (§7.6): the data split
 * into blocks (short blocks first, each long block one codeword longer),
 * ECC computed per block, then data codewords interleaved column by column
 * across the blocks, followed by the ECC codewords interleaved the same way.
 */
export function interleavedCodewords(data: Uint8Array, version: i32, ecl: Ecl): Uint8Array {
  const blocks = blockCount(version, ecl);
  const eccLen = eccPerBlock(version, ecl);
  const shortLen = data.length / blocks;
  const longBlocks = data.length % blocks; // these come after the short ones
  const generator = rsGenerator(eccLen);

  const out = new Uint8Array(totalCodewords(version));
  const eccStart = data.length;
  let start = 0;
  for (let b = 0; b < blocks; b++) {
    const len = shortLen + (b >= blocks - longBlocks ? 1 : 0);
    const ecc = rsRemainder(data, start, len, generator);
    // Data codeword i of block b lands at i · blocks + b. The last column
    // exists only in long blocks, so it is shifted back by the number of
    // short blocks that have nothing there.
    for (let i = 0; i < len; i++) {
      out[i < shortLen ? i * blocks + b : shortLen * blocks + (b - (blocks - longBlocks))] = data[start + i];
    }
    for (let i = 0; i < eccLen; i++) out[eccStart + i * blocks + b] = ecc[i];
    start += len;
  }
  return out;
}

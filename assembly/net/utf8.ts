// Strict UTF-8 (RFC 3629 §4), the only encoding JSON may use between
// systems (RFC 8259 §8.1). Every place where bytes from outside become text
// goes through here: an invalid sequence is an error, never a repaired
// string. Over-long forms, surrogates (U+D800-DFFF), code points above
// U+10FFFF, truncated sequences and lone continuation bytes are all refused,
// so a reader here and any standard reader agree on what the bytes say.

/**
 * Length of the valid UTF-8 sequence that starts at `p` (1-4), or 0 when the
 * bytes there are not one. `end` is one past the last readable byte.
 * The ranges are RFC 3629 §4's UTF8-2/3/4 rules.
 */
// @ts-ignore: decorator
@inline
export function utf8SeqLen(p: usize, end: usize): i32 {
  const b0 = <u32>load<u8>(p);
  if (b0 < 0x80) return 1;
  if (b0 < 0xc2) return 0; // continuation byte, or C0/C1 (always over-long)
  const left = end - p;
  if (b0 < 0xe0) {
    if (left < 2) return 0;
    const b1 = <u32>load<u8>(p, 1);
    return (b1 & 0xc0) == 0x80 ? 2 : 0;
  }
  if (b0 < 0xf0) {
    if (left < 3) return 0;
    const b1 = <u32>load<u8>(p, 1);
    const b2 = <u32>load<u8>(p, 2);
    if ((b2 & 0xc0) != 0x80) return 0;
    if (b0 == 0xe0) return b1 >= 0xa0 && b1 <= 0xbf ? 3 : 0; // not over-long
    if (b0 == 0xed) return b1 >= 0x80 && b1 <= 0x9f ? 3 : 0; // not a surrogate
    return (b1 & 0xc0) == 0x80 ? 3 : 0;
  }
  if (b0 > 0xf4) return 0; // beyond U+10FFFF
  if (left < 4) return 0;
  const b1 = <u32>load<u8>(p, 1);
  const b2 = <u32>load<u8>(p, 2);
  const b3 = <u32>load<u8>(p, 3);
  if ((b2 & 0xc0) != 0x80 || (b3 & 0xc0) != 0x80) return 0;
  if (b0 == 0xf0) return b1 >= 0x90 && b1 <= 0xbf ? 4 : 0; // not over-long
  if (b0 == 0xf4) return b1 >= 0x80 && b1 <= 0x8f ? 4 : 0; // not above U+10FFFF
  return (b1 & 0xc0) == 0x80 ? 4 : 0;
}

/** Offset of the first byte that is not valid UTF-8 in bytes[start, end), or -1 when all are valid. */
export function utf8InvalidAt(bytes: Uint8Array, start: i32 = 0, end: i32 = -1): i32 {
  if (end < 0 || end > bytes.length) end = bytes.length;
  const base = bytes.dataStart;
  const stop = base + <usize>end;
  let p = base + <usize>start;
  while (p < stop) {
    const n = utf8SeqLen(p, stop);
    if (n == 0) return <i32>(p - base);
    p += n;
  }
  return -1;
}

/** Code point of a sequence already checked by utf8SeqLen. */
// @ts-ignore: decorator
@inline
export function utf8CodePoint(p: usize, n: i32): u32 {
  const b0 = <u32>load<u8>(p);
  if (n == 1) return b0;
  if (n == 2) return ((b0 & 0x1f) << 6) | (<u32>load<u8>(p, 1) & 0x3f);
  if (n == 3) return ((b0 & 0x0f) << 12) | ((<u32>load<u8>(p, 1) & 0x3f) << 6) | (<u32>load<u8>(p, 2) & 0x3f);
  return ((b0 & 0x07) << 18) | ((<u32>load<u8>(p, 1) & 0x3f) << 12) |
    ((<u32>load<u8>(p, 2) & 0x3f) << 6) | (<u32>load<u8>(p, 3) & 0x3f);
}

/**
 * Decodes bytes[start, end) as strict UTF-8, or returns null when any byte
 * is invalid. One allocation: the string itself.
 */
export function decodeUtf8(bytes: Uint8Array, start: i32 = 0, end: i32 = -1): string | null {
  if (end < 0 || end > bytes.length) end = bytes.length;
  if (start >= end) return "";
  const base = bytes.dataStart;
  const stop = base + <usize>end;
  // First pass: validate and count UTF-16 units, so the string is allocated once.
  let units = 0;
  let p = base + <usize>start;
  while (p < stop) {
    const n = utf8SeqLen(p, stop);
    if (n == 0) return null;
    units += n == 4 ? 2 : 1;
    p += n;
  }
  const out = changetype<string>(__new(<usize>units << 1, idof<string>()));
  let q = changetype<usize>(out);
  p = base + <usize>start;
  while (p < stop) {
    const n = utf8SeqLen(p, stop);
    const cp = utf8CodePoint(p, n);
    if (cp >= 0x10000) {
      const c = cp - 0x10000;
      store<u16>(q, <u16>(0xd800 | (c >> 10)));
      store<u16>(q, <u16>(0xdc00 | (c & 0x3ff)), 2);
      q += 4;
    } else {
      store<u16>(q, <u16>cp);
      q += 2;
    }
    p += n;
  }
  return out;
}

/** The error message for invalid UTF-8 at a byte offset, the same words everywhere. */
export function utf8Error(where: string, at: i32): string {
  return where + " is not valid UTF-8 (byte " + at.toString() + ")";
}

// The one decoder of outside bytes to text. Strict UTF-8 (RFC 3629 §4),
// the only encoding JSON may use between systems (RFC 8259 §8.1): an
// invalid sequence is refused, never repaired. Over-long forms, surrogates
// (U+D800-DFFF), code points above U+10FFFF, truncated sequences and lone
// continuation bytes are all refused, so a reader here and any standard
// reader agree on what the bytes say. The same walk reads the body of a
// JSON string (RFC 8259 §7), so the JSON checker, the JSON reader and every
// other text from outside share one decoder.
import { Fault } from "../faults";

/** Where the last walkText stopped: the closing quote, the end, or the byte refused. */
export let walkAt: i32 = 0;

/**
 * Walks bytes[i, end) as strict UTF-8. With `json`, walks the body of a
 * JSON string instead: stops at its closing quote, decodes escapes and
 * refuses control characters, bad escapes and unpaired surrogate escapes
 * (RFC 8259 §7, §8.2). Writes the UTF-16 units at `out` unless it is 0.
 * Returns the number of UTF-16 units, or a negative Fault when refused;
 * `walkAt` says where it stopped.
 */
export function walkText(bytes: Uint8Array, i: i32, end: i32, json: bool, out: usize): i32 {
  const base = bytes.dataStart;
  let q = out;
  let units = 0;
  let f: Fault = Fault.JsonNotUtf8;
  while (true) {
    if (i >= end) {
      walkAt = i;
      if (!json) return units;
      f = Fault.JsonUnterminated;
      break;
    }
    let c = <i32>load<u8>(base + <usize>i);
    let n = 1;
    if (json && c == 0x22) {
      walkAt = i;
      return units;
    }
    if (json && c < 0x20) { f = Fault.JsonBadString; break; } // §7: control characters must be escaped
    if (json && c == 0x5c) {
      f = Fault.JsonBadString;
      const x = i + 1 < end ? <i32>load<u8>(base + <usize>i, 1) : 0;
      if (x == 0x75) { // \uXXXX
        n = 6;
        c = hexValue(bytes, i + 2, 4, end);
        if (c < 0) break;
        // §8.2: a surrogate escape names a character only as a high-low pair.
        f = Fault.JsonSurrogate;
        if (c >= 0xdc00 && c <= 0xdfff) break;
        if (c >= 0xd800 && c < 0xdc00) {
          const lo = i + 7 < end && load<u8>(base + <usize>i, 6) == 0x5c && load<u8>(base + <usize>i, 7) == 0x75 ? hexValue(bytes, i + 8, 4, end) : -1;
          if (lo < 0xdc00 || lo > 0xdfff) break;
          c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00); // written as the same two units below
          n = 12;
        }
      } else {
        n = 2;
        c = x == 0x62 ? 0x08 : x == 0x66 ? 0x0c : x == 0x6e ? 0x0a : x == 0x72 ? 0x0d : x == 0x74 ? 0x09
          : x == 0x22 || x == 0x5c || x == 0x2f ? x : -1;
        if (c < 0) break;
      }
    } else if (c >= 0x80) {
      // RFC 3629 §4: C2-DF take one continuation byte, E0-EF two, F0-F4
      // three; the second byte's range excludes over-long forms (E0, F0),
      // surrogates (ED) and code points above U+10FFFF (F4).
      n = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
      if (n == 0 || i + n > end) break;
      const lo = c == 0xe0 ? 0xa0 : c == 0xf0 ? 0x90 : 0x80;
      const hi = c == 0xed ? 0x9f : c == 0xf4 ? 0x8f : 0xbf;
      c &= 0x7f >> n;
      let k = 1;
      for (; k < n; k++) {
        const b = <i32>load<u8>(base + <usize>(i + k));
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xbf)) break;
        c = (c << 6) | (b & 0x3f);
      }
      if (k < n) break;
    }
    if (c >= 0x10000) { // two UTF-16 units
      c -= 0x10000;
      if (out) store<u16>(q, <u16>(0xd800 | (c >> 10)));
      q += 2;
      units++;
      c = 0xdc00 | (c & 0x3ff);
    }
    if (out) store<u16>(q, <u16>c);
    q += 2;
    units++;
    i += n;
  }
  walkAt = i;
  return -<i32>f;
}

/** The `digits` hex digits at bytes[i, i + digits), before `end`, as a number; -1 when they are not. */
export function hexValue(bytes: Uint8Array, i: i32, digits: i32, end: i32): i32 {
  if (i + digits > end) return -1;
  let v = 0;
  for (let k = i; k < i + digits; k++) {
    const c = <i32>load<u8>(bytes.dataStart + <usize>k);
    const d = <u32>(c - 0x30) < 10 ? c - 0x30 : <u32>((c | 0x20) - 0x61) < 6 ? (c | 0x20) - 0x57 : -1;
    if (d < 0) return -1;
    v = (v << 4) | d;
  }
  return v;
}

/**
 * Writes `s` (its code units [from, to)) as UTF-8 at
 * `out` unless it is 0; returns the byte count. An unpaired surrogate is
 * written as U+FFFD when `replace`, else as its own three bytes (WTF-8,
 * which every strict reader refuses), as String.UTF8.encode does; both
 * take three bytes. A range must not cut a surrogate pair.
 */
export function writeUtf8(s: string, out: usize, replace: bool, from: i32, to: i32): i32 {
  const base = changetype<usize>(s);
  let q = out;
  for (let i = from; i < to; i++) {
    let c = <i32>load<u16>(base + (<usize>i << 1));
    if (c < 0x80) { // ASCII, most of any text: one byte as it is
      if (out) store<u8>(q, c);
      q++;
      continue;
    }
    if ((c & 0xf800) == 0xd800) { // a surrogate: a pair is one code point
      const lo = i + 1 < to ? <i32>load<u16>(base + (<usize>i << 1), 2) : 0;
      if (c < 0xdc00 && (lo & 0xfc00) == 0xdc00) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      } else if (replace) c = 0xfffd;
    }
    const k = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (out) {
      // From the last byte: 10xxxxxx each, then the lead byte 0xxxxxxx,
      // 110xxxxx, 1110xxxx or 11110xxx with the bits left.
      for (let j = k - 1; j > 0; j--) {
        store<u8>(q + j, 0x80 | (c & 0x3f));
        c >>= 6;
      }
      store<u8>(q, k == 1 ? c : (0xf00 >> k) | c);
    }
    q += k;
  }
  return <i32>(q - out);
}

/** `s` as UTF-8 bytes; an unpaired surrogate as writeUtf8 writes it. */
export function encodeUtf8(s: string, replace: bool): Uint8Array {
  const b = new Uint8Array(writeUtf8(s, 0, false, 0, s.length));
  writeUtf8(s, b.dataStart, replace, 0, s.length);
  return b;
}

/** bytes[start, end) as text (walkText), or null when refused. One allocation: the string. */
export function decodeText(bytes: Uint8Array, start: i32, end: i32, json: bool): string | null {
  const units = walkText(bytes, start, end, json, 0);
  if (units < 0) return null;
  const out = __new(<usize>units << 1, idof<string>());
  walkText(bytes, start, end, json, out);
  return changetype<string>(out);
}

/** Decodes bytes[start, end) (end < 0: to the end) as strict UTF-8, or returns null when any byte is invalid. */
export function decodeUtf8(bytes: Uint8Array, start: i32, end: i32): string | null {
  return decodeText(bytes, start, end < 0 || end > bytes.length ? bytes.length : end, false);
}

/** Offset of the first byte that is not valid UTF-8 in bytes[start, end) (end < 0: to the end), or -1 when all are valid. */
export function utf8InvalidAt(bytes: Uint8Array, start: i32, end: i32): i32 {
  return walkText(bytes, start, end < 0 || end > bytes.length ? bytes.length : end, false, 0) < 0 ? walkAt : -1;
}

/** All of `bytes` as strict UTF-8 text, or "" when it is not UTF-8. */
export function utf8Text(bytes: Uint8Array): string {
  const s = decodeUtf8(bytes, 0, bytes.length);
  return s === null ? "" : s;
}

// application/x-www-form-urlencoded, as RFC 6749 Appendix B uses it: UTF-8,
// then percent-encoding of every byte outside the unreserved set, with
// space as '+'. Decoding yields a JsonValue object of strings, so that JSON
// and form bodies are read by the same code.
import { JsonKind, JsonValue } from "./json";
import { decodeUtf8, encodeUtf8, hexValue } from "./utf8";
import { isWhitespace } from "./json_check";
import { hexDigit, joinAll, rawString } from "./join";

/** RFC 3986 §2.3: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(b: i32): bool {
  return <u32>((b | 0x20) - 0x61) < 26 || <u32>(b - 0x30) < 10 || b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e;
}

export function formEscape(s: string): string {
  // Measured, then written once (see join.ts): a 6 KiB token costs its
  // UTF-8 bytes and the result, nothing per character.
  const buf = encodeUtf8(s, true);
  const base = buf.dataStart;
  const len = buf.length;
  let units = 0;
  for (let i = 0; i < len; i++) {
    const b = load<u8>(base + <usize>i);
    units += isUnreserved(b) || b == 0x20 ? 1 : 3;
  }
  const out = rawString(units);
  let q = changetype<usize>(out);
  for (let i = 0; i < len; i++) {
    const b = load<u8>(base + <usize>i);
    if (isUnreserved(b) || b == 0x20) {
      store<u16>(q, b == 0x20 ? 0x2b : <u16>b); // space as '+'
      q += 2;
    } else {
      store<u16>(q, 0x25); // '%'
      // RFC 3986 §2.1: uppercase hex digits.
      store<u16>(q, hexDigit(b >> 4, true), 2);
      store<u16>(q, hexDigit(b & 15, true), 4);
      q += 6;
    }
  }
  return out;
}

/** Builds a form body from name/value pairs, in order. */
export class Form {
  private parts: Array<string> = [];
  add(name: string, value: string): Form {
    this.parts.push(formEscape(name) + "=" + formEscape(value));
    return this;
  }
  toString(): string {
    return joinAll(this.parts, "&");
  }
}

/** Name/value pairs read from one form body at most; more is refused, not truncated. */
export const FORM_MAX_PAIRS: i32 = 64;

/**
 * Decodes one form component, bytes[s, e): '+' is space, %XX a byte, and
 * the resulting bytes must be strict UTF-8 (RFC 3629); null otherwise. A
 * malformed escape or an invalid byte is an error, never an empty string:
 * `refresh_token=%E9` is not "no refresh token".
 */
function unescapeRange(src: Uint8Array, s: i32, e: i32): string | null {
  const out = new Uint8Array(e - s);
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = <i32>src[i];
    if (c == 0x2b) out[n++] = 0x20;
    else if (c == 0x25) {
      const b = hexValue(src, i + 1, 2, e);
      if (b < 0) return null;
      out[n++] = <u8>b;
      i += 2;
    } else if (c > 0x7e || c < 0x20) return null; // raw bytes outside ASCII must be escaped
    else out[n++] = <u8>c;
  }
  return decodeUtf8(out, 0, n);
}

/** Decodes one form component; null when a percent escape is malformed or the bytes are not UTF-8. */
export function formUnescape(s: string): string | null {
  const b = encodeUtf8(s, false);
  return unescapeRange(b, 0, b.length);
}

/** Parses a form body into an object of string members; null when malformed, empty or over FORM_MAX_PAIRS. */
export function parseFormBytes(body: Uint8Array): JsonValue | null {
  // Surrounding whitespace is tolerated (some servers end the body with a newline).
  let s = 0, e = body.length;
  while (s < e && isWhitespace(body[s])) s++;
  while (e > s && isWhitespace(body[e - 1])) e--;
  if (s == e) return null;
  const obj = JsonValue.of(JsonKind.Object);
  let i = s;
  while (i <= e) {
    let amp = i;
    while (amp < e && body[amp] != 0x26) amp++;
    if (amp > i) {
      if (obj.keys.length >= FORM_MAX_PAIRS) return null;
      let eq = i;
      while (eq < amp && body[eq] != 0x3d) eq++;
      if (eq == i || eq == amp) return null;
      const k = unescapeRange(body, i, eq);
      const v = unescapeRange(body, eq + 1, amp);
      if (k === null || v === null) return null;
      const sv = JsonValue.of(JsonKind.String);
      sv.str = v;
      obj.keys.push(k);
      obj.items.push(sv);
    }
    i = amp + 1;
  }
  return obj.keys.length > 0 ? obj : null;
}

/** Parses a form body given as text. */
export function parseForm(body: string): JsonValue | null {
  return parseFormBytes(encodeUtf8(body, false));
}

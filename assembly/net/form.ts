// application/x-www-form-urlencoded, as RFC 6749 Appendix B uses it: UTF-8,
// then percent-encoding of every byte outside the unreserved set, with
// space as '+'. Decoding yields a JsonValue object of strings, so that JSON
// and form bodies are read by the same code.
import { JsonKind, JsonValue } from "./json";

const HEX = "0123456789ABCDEF";

function isUnreserved(b: u8): bool {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) ||
    b == 0x2d || b == 0x2e || b == 0x5f || b == 0x7e;
}

export function formEscape(s: string): string {
  const bytes = Uint8Array.wrap(String.UTF8.encode(s));
  const parts = new Array<string>();
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (isUnreserved(b)) parts.push(String.fromCharCode(b));
    else if (b == 0x20) parts.push("+");
    else parts.push("%" + HEX.charAt(b >> 4) + HEX.charAt(b & 15));
  }
  return parts.join("");
}

/** Builds a form body from name/value pairs, in order. */
export class Form {
  private parts: Array<string> = [];
  add(name: string, value: string): Form {
    this.parts.push(formEscape(name) + "=" + formEscape(value));
    return this;
  }
  toString(): string {
    return this.parts.join("&");
  }
}

function hexVal(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** Decodes one form component; null when a percent escape is malformed or the bytes are not UTF-8. */
export function formUnescape(s: string): string | null {
  const out = new Uint8Array(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c == 0x2b) out[n++] = 0x20;
    else if (c == 0x25) {
      if (i + 2 >= s.length) return null;
      const hi = hexVal(s.charCodeAt(i + 1));
      const lo = hexVal(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return null;
      out[n++] = <u8>((hi << 4) | lo);
      i += 2;
    } else if (c > 0x7e || c < 0x20) return null;
    else out[n++] = <u8>c;
  }
  return String.UTF8.decodeUnsafe(out.dataStart, n);
}

/** Parses a form body into an object of string members; null when malformed. */
export function parseForm(body: string): JsonValue | null {
  const obj = JsonValue.of(JsonKind.Object);
  if (body.length == 0) return null;
  const pairs = body.split("&");
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i];
    if (pair.length == 0) continue;
    const eq = pair.indexOf("=");
    if (eq <= 0) return null;
    const k = formUnescape(pair.substring(0, eq));
    const v = formUnescape(pair.substring(eq + 1));
    if (k === null || v === null) return null;
    const s = JsonValue.of(JsonKind.String);
    s.str = v;
    obj.keys.push(k);
    obj.items.push(s);
  }
  return obj.keys.length > 0 ? obj : null;
}

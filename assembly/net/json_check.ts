// The validating pass of the JSON reader (json.ts): one walk over the
// bytes, before anything is allocated, checking the grammar (RFC 8259
// §2-7), strict UTF-8 (§8.1, RFC 3629) and the limits below.
import { utf8SeqLen, utf8Error } from "./utf8";
import { skipWs, hexDigit, hex4At } from "./json_scan";

/** Nesting deeper than this is refused. */
export const JSON_MAX_DEPTH: i32 = 16;
/**
 * Bytes of JSON text read at most: every board's NET_BODY_CAP (16 KiB,
 * boards/ABI.md section 9), and what the 2-page module's heap is sized for.
 */
export const JSON_MAX_CHARS: i32 = 16384;
/**
 * Values (scalars and containers) in one document. Values cost nothing
 * until read (see above), so this only bounds work; at JSON_MAX_CHARS a
 * text holds at most 8,192 values, so it is the byte limit that binds.
 */
export const JSON_MAX_VALUES: i32 = 16384;
/** Members in one object: bounds every lookup and any duplicate-member flood. */
export const JSON_MAX_MEMBERS: i32 = 512;

export const JSON_TOO_COMPLEX = "answer too complex";

// ---------------------------------------------------------------------------
// The validating pass.

export class Checker {
  pos: i32 = 0;
  values: i32 = 0;
  error: string = "";
  constructor(public doc: Uint8Array, public maxDepth: i32) {}

  fail(msg: string): bool {
    if (this.error.length == 0) this.error = msg;
    return false;
  }

  failAt(msg: string): bool {
    return this.fail(msg + " at byte " + this.pos.toString());
  }

  peek(): i32 {
    return this.pos < this.doc.length ? <i32>this.doc[this.pos] : -1;
  }

  skipSpace(): void {
    this.pos = skipWs(this.doc, this.pos);
  }

  literal(word: string): bool {
    if (this.doc.length - this.pos < word.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (<i32>this.doc[this.pos + i] != word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }

  value(depth: i32): bool {
    if (depth > this.maxDepth) return this.fail(JSON_TOO_COMPLEX + " (nested deeper than " + this.maxDepth.toString() + ")");
    if (++this.values > JSON_MAX_VALUES) return this.fail(JSON_TOO_COMPLEX + " (more than " + JSON_MAX_VALUES.toString() + " values)");
    this.skipSpace();
    const c = this.peek();
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) return this.string();
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true") || this.literal("false") || this.literal("null")) return true;
    return this.failAt(c < 0 ? "unexpected end of input" : "unexpected character");
  }

  object(depth: i32): bool {
    this.pos++; // {
    this.skipSpace();
    if (this.peek() == 0x7d) { this.pos++; return true; }
    let members = 0;
    while (true) {
      if (++members > JSON_MAX_MEMBERS) return this.fail(JSON_TOO_COMPLEX + " (more than " + JSON_MAX_MEMBERS.toString() + " members in an object)");
      this.skipSpace();
      if (this.peek() != 0x22) return this.failAt("expected a member name");
      if (!this.string()) return false;
      this.skipSpace();
      if (this.peek() != 0x3a) return this.failAt("expected ':'");
      this.pos++;
      if (!this.value(depth + 1)) return false;
      this.skipSpace();
      const c = this.peek();
      if (c == 0x2c) { this.pos++; continue; }
      if (c == 0x7d) { this.pos++; return true; }
      return this.failAt("expected ',' or '}'");
    }
  }

  array(depth: i32): bool {
    this.pos++; // [
    this.skipSpace();
    if (this.peek() == 0x5d) { this.pos++; return true; }
    while (true) {
      if (!this.value(depth + 1)) return false;
      this.skipSpace();
      const c = this.peek();
      if (c == 0x2c) { this.pos++; continue; }
      if (c == 0x5d) { this.pos++; return true; }
      return this.failAt("expected ',' or ']'");
    }
  }

  string(): bool {
    const doc = this.doc;
    const n = doc.length;
    const base = doc.dataStart;
    const stop = base + <usize>n;
    let pos = this.pos + 1; // after the opening quote
    while (pos < n) {
      const c = <i32>load<u8>(base + <usize>pos);
      if (c == 0x22) { this.pos = pos + 1; return true; }
      if (c >= 0x20 && c < 0x80 && c != 0x5c) { pos++; continue; }
      this.pos = pos;
      if (c < 0x20) return this.failAt("control character in string"); // §7
      if (c == 0x5c) {
        const e = pos + 1 < n ? <i32>doc[pos + 1] : -1;
        if (e == 0x75) {
          if (pos + 6 > n) return this.failAt("bad \\u escape");
          for (let k = 2; k < 6; k++) if (hexDigit(doc[pos + k]) < 0) return this.failAt("bad \\u escape");
          const u = hex4At(doc, pos + 2);
          // RFC 8259 §8.2: an unpaired surrogate names no character; refused.
          if (u >= 0xdc00 && u <= 0xdfff) return this.failAt("unpaired surrogate escape");
          if (u >= 0xd800 && u <= 0xdbff) {
            const p = pos + 6;
            if (p + 6 > n || doc[p] != 0x5c || doc[p + 1] != 0x75) return this.failAt("unpaired surrogate escape");
            for (let k = 2; k < 6; k++) if (hexDigit(doc[p + k]) < 0) return this.failAt("bad \\u escape");
            const lo = hex4At(doc, p + 2);
            if (lo < 0xdc00 || lo > 0xdfff) return this.failAt("unpaired surrogate escape");
            pos += 6;
          }
          pos += 6;
        } else if (e == 0x22 || e == 0x5c || e == 0x2f || e == 0x62 || e == 0x66 || e == 0x6e || e == 0x72 || e == 0x74) {
          pos += 2;
        } else return this.failAt("bad escape");
        continue;
      }
      const len = utf8SeqLen(base + <usize>pos, stop);
      if (len == 0) return this.fail(utf8Error("JSON text", pos) + " (RFC 8259 §8.1)");
      pos += len;
    }
    this.pos = pos;
    return this.failAt("unterminated string");
  }

  number(): bool {
    const doc = this.doc;
    const base = doc.dataStart;
    const n = doc.length;
    let pos = this.pos;
    if (pos < n && load<u8>(base + <usize>pos) == 0x2d) pos++;
    const intStart = pos;
    while (pos < n && isDigitByte(load<u8>(base + <usize>pos))) pos++;
    const intLen = pos - intStart;
    this.pos = pos;
    if (intLen == 0) return this.failAt("bad number");
    if (intLen > 1 && load<u8>(base + <usize>intStart) == 0x30) return this.failAt("leading zero in number");
    if (pos < n && load<u8>(base + <usize>pos) == 0x2e) {
      pos++;
      const f = pos;
      while (pos < n && isDigitByte(load<u8>(base + <usize>pos))) pos++;
      this.pos = pos;
      if (pos == f) return this.failAt("bad fraction");
    }
    if (pos < n && (load<u8>(base + <usize>pos) | 0x20) == 0x65) {
      pos++;
      if (pos < n && (load<u8>(base + <usize>pos) == 0x2b || load<u8>(base + <usize>pos) == 0x2d)) pos++;
      const e = pos;
      while (pos < n && isDigitByte(load<u8>(base + <usize>pos))) pos++;
      this.pos = pos;
      if (pos == e) return this.failAt("bad exponent");
    }
    this.pos = pos;
    return true;
  }
}

// @ts-ignore: decorator
@inline
function isDigitByte(c: u8): bool { return c >= 0x30 && c <= 0x39; }

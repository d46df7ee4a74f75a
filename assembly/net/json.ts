// A strict, bounded, lazy JSON reader for untrusted bytes (RFC 8259).
//
// Server answers are hostile until proven otherwise, and the heap is a few
// tens of KiB, so the reader works on the answer's bytes as they arrived:
//
// - One validating pass, before anything is allocated, checks the grammar
//   (RFC 8259 §2-7), strict UTF-8 (§8.1, RFC 3629) and the limits below. A
//   document over a limit is refused as "answer too complex"; nothing is
//   built for it, so no answer the body cap allows can exhaust memory.
// - Values are views (kind and byte range) into those bytes. A string is
//   decoded only when a caller reads it; members and items never read are
//   never allocated. An unread 12 KiB id_token costs nothing.
// - Numbers are read exactly or not at all (RFC 8259 §6 lets an
//   implementation limit range and precision): a number whose decimal value
//   cannot be turned into the correctly rounded double by an exact
//   computation reads as NaN, which every caller already refuses.
//
// json-as writes JSON (its serializer is exact); its parser aborts the
// module on malformed input, so network bytes never reach it.
import { utf8SeqLen, utf8CodePoint, utf8Error, decodeUtf8 } from "./utf8";
import { joinAll } from "./join";

export const enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

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

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  /** The document's bytes for a value read from text; null for a built value. */
  private doc: Uint8Array | null = null;
  /** Byte range [start, end) of the value in `doc`. */
  private start: i32 = 0;
  private end: i32 = 0;
  private _str: string | null = null;
  private _num: f64 = 0;
  private _bool: bool = false;
  private _items: Array<JsonValue> | null = null;
  private _keys: Array<string> | null = null;
  /** Member index of an object read from text: (name start, value start, value end) per member. */
  private index: StaticArray<i32> | null = null;

  static of(kind: JsonKind): JsonValue {
    const v = new JsonValue();
    v.kind = kind;
    if (kind == JsonKind.Array || kind == JsonKind.Object) {
      v._items = [];
      v._keys = [];
    }
    return v;
  }

  static view(doc: Uint8Array, start: i32, end: i32): JsonValue {
    const v = new JsonValue();
    v.doc = doc;
    v.start = start;
    v.end = end;
    const c = <i32>doc[start];
    if (c == 0x22) v.kind = JsonKind.String;
    else if (c == 0x7b) v.kind = JsonKind.Object;
    else if (c == 0x5b) v.kind = JsonKind.Array;
    else if (c == 0x74 || c == 0x66) v.kind = JsonKind.Bool;
    else if (c == 0x6e) v.kind = JsonKind.Null;
    else v.kind = JsonKind.Number;
    return v;
  }

  isString(): bool { return this.kind == JsonKind.String; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isObject(): bool { return this.kind == JsonKind.Object; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isBool(): bool { return this.kind == JsonKind.Bool; }

  /** The string's text ("" for other kinds). Decoded on first read. */
  get str(): string {
    if (this._str !== null) return this._str!;
    if (this.kind != JsonKind.String || this.doc === null) return "";
    const s = decodeJsonString(this.doc!, this.start, this.end);
    this._str = s;
    return s;
  }
  set str(s: string) { this._str = s; }

  /**
   * The string's text as UTF-8 bytes (empty for other kinds), without a
   * UTF-16 copy when it has no escapes: a 6 KiB token costs 6 KiB, once.
   */
  utf8(): Uint8Array {
    if (this.kind != JsonKind.String) return new Uint8Array(0);
    if (this.doc !== null && this._str === null) {
      const doc = this.doc!;
      let escaped = false;
      for (let i = this.start + 1; i < this.end - 1; i++) if (doc[i] == 0x5c) { escaped = true; break; }
      if (!escaped) return doc.slice(this.start + 1, this.end - 1);
    }
    return Uint8Array.wrap(String.UTF8.encode(this.str));
  }

  /** The number, exactly, or NaN when it cannot be read exactly (see above). */
  get num(): f64 {
    if (this.doc === null || this.kind != JsonKind.Number) return this._num;
    return exactNumber(this.doc!, this.start, this.end);
  }
  set num(n: f64) { this._num = n; }

  get bool(): bool {
    if (this.doc === null || this.kind != JsonKind.Bool) return this._bool;
    return this.doc![this.start] == 0x74;
  }
  set bool(b: bool) { this._bool = b; }

  /** Items of an array, or members' values of an object, in order (built on first use). */
  get items(): Array<JsonValue> {
    if (this._items === null) this.materialize();
    return this._items!;
  }

  /** Member names of an object, in order (built on first use). */
  get keys(): Array<string> {
    if (this._keys === null) this.materialize();
    return this._keys!;
  }

  private materialize(): void {
    const items = new Array<JsonValue>();
    const keys = new Array<string>();
    this._items = items;
    this._keys = keys;
    if (this.doc === null) return;
    const doc = this.doc!;
    if (this.kind == JsonKind.Array) {
      let i = skipWs(doc, this.start + 1);
      if (doc[i] == 0x5d) return;
      while (true) {
        const e = skipValue(doc, i);
        items.push(JsonValue.view(doc, i, e));
        i = skipWs(doc, e);
        if (doc[i] == 0x5d) return;
        i = skipWs(doc, i + 1);
      }
    } else if (this.kind == JsonKind.Object) {
      let i = skipWs(doc, this.start + 1);
      if (doc[i] == 0x7d) return;
      while (true) {
        const ke = skipString(doc, i);
        keys.push(decodeJsonString(doc, i, ke));
        const vs = skipWs(doc, skipWs(doc, ke) + 1);
        const ve = skipValue(doc, vs);
        items.push(JsonValue.view(doc, vs, ve));
        i = skipWs(doc, ve);
        if (doc[i] == 0x7d) return;
        i = skipWs(doc, i + 1);
      }
    }
  }

  /** Member of an object by key (last one wins on duplicates), or null. */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    if (this.doc === null || this._items !== null) {
      const keys = this.keys;
      for (let i = keys.length - 1; i >= 0; i--) {
        if (keys[i] == key) return this.items[i];
      }
      return null;
    }
    // One scan builds a small index of the members' byte ranges (at most
    // JSON_MAX_MEMBERS, 12 bytes each); lookups then compare names only.
    if (this.index === null) this.buildIndex();
    const doc = this.doc!;
    const idx = this.index!;
    for (let m = idx.length - 3; m >= 0; m -= 3) {
      const ks = unchecked(idx[m]);
      if (nameEquals(doc, ks, skipString(doc, ks), key)) return JsonValue.view(doc, unchecked(idx[m + 1]), unchecked(idx[m + 2]));
    }
    return null;
  }

  private buildIndex(): void {
    const doc = this.doc!;
    let count = 0;
    let i = skipWs(doc, this.start + 1);
    if (doc[i] != 0x7d) {
      while (true) {
        const ke = skipString(doc, i);
        const ve = skipValue(doc, skipWs(doc, skipWs(doc, ke) + 1));
        count++;
        i = skipWs(doc, ve);
        if (doc[i] == 0x7d) break;
        i = skipWs(doc, i + 1);
      }
    }
    const idx = new StaticArray<i32>(count * 3);
    i = skipWs(doc, this.start + 1);
    for (let m = 0; m < count; m++) {
      const ke = skipString(doc, i);
      const vs = skipWs(doc, skipWs(doc, ke) + 1);
      const ve = skipValue(doc, vs);
      unchecked(idx[m * 3] = i);
      unchecked(idx[m * 3 + 1] = vs);
      unchecked(idx[m * 3 + 2] = ve);
      i = skipWs(doc, skipWs(doc, ve) + 1);
    }
    this.index = idx;
  }

  has(key: string): bool {
    return this.get(key) !== null;
  }

  /** String member, or null when absent or of another type. */
  getString(key: string): string | null {
    const v = this.get(key);
    if (v === null || v.kind != JsonKind.String) return null;
    return v.str;
  }

  /** Number member, or NaN when absent, of another type or not exactly readable. */
  getNumber(key: string): f64 {
    const v = this.get(key);
    if (v === null || v.kind != JsonKind.Number) return NaN;
    return v.num;
  }

  /** Object member, or null when absent or of another type. */
  getObject(key: string): JsonValue | null {
    const v = this.get(key);
    if (v === null || v.kind != JsonKind.Object) return null;
    return v;
  }

  /** Array member, or null when absent or of another type. */
  getArray(key: string): JsonValue | null {
    const v = this.get(key);
    if (v === null || v.kind != JsonKind.Array) return null;
    return v;
  }
}

export class JsonResult {
  value: JsonValue | null = null;
  error: string = "";
  get ok(): bool { return this.value !== null; }
}

// ---------------------------------------------------------------------------
// Navigation over text already validated by Checker: no bounds surprises.

function skipWs(doc: Uint8Array, i: i32): i32 {
  const base = doc.dataStart;
  const n = doc.length;
  while (i < n) {
    const c = load<u8>(base + <usize>i);
    if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) i++;
    else break;
  }
  return i;
}

// The navigation below reads with unchecked loads: it only ever runs over a
// document the Checker accepted, so every string is closed and every
// container balanced before the end of the bytes.

/** End (one past the closing quote) of the string starting at i. */
function skipString(doc: Uint8Array, i: i32): i32 {
  const base = doc.dataStart;
  i++;
  while (true) {
    const c = load<u8>(base + <usize>i);
    if (c == 0x22) return i + 1;
    i += c == 0x5c ? 2 : 1;
  }
}

/** End of the value starting at i. */
function skipValue(doc: Uint8Array, i: i32): i32 {
  const base = doc.dataStart;
  const c = load<u8>(base + <usize>i);
  if (c == 0x22) return skipString(doc, i);
  if (c == 0x7b || c == 0x5b) {
    let depth = 0;
    while (true) {
      const d = load<u8>(base + <usize>i);
      if (d == 0x22) { i = skipString(doc, i); continue; }
      if (d == 0x7b || d == 0x5b) depth++;
      else if (d == 0x7d || d == 0x5d) {
        depth--;
        if (depth == 0) return i + 1;
      }
      i++;
    }
  }
  const n = doc.length;
  while (i < n) {
    const d = load<u8>(base + <usize>i);
    if (d == 0x2c || d == 0x7d || d == 0x5d || d == 0x20 || d == 0x09 || d == 0x0a || d == 0x0d) break;
    i++;
  }
  return i;
}

function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function hex4At(doc: Uint8Array, i: i32): i32 {
  return (hexDigit(doc[i]) << 12) | (hexDigit(doc[i + 1]) << 8) | (hexDigit(doc[i + 2]) << 4) | hexDigit(doc[i + 3]);
}

/** Compares a member name [s, e) (quotes included) with `key`, without allocating when it has no escapes. */
function nameEquals(doc: Uint8Array, s: i32, e: i32, key: string): bool {
  let plain = true;
  for (let i = s + 1; i < e - 1; i++) if (doc[i] == 0x5c || doc[i] >= 0x80) { plain = false; break; }
  if (!plain) return decodeJsonString(doc, s, e) == key;
  const n = e - s - 2;
  if (n != key.length) return false;
  for (let i = 0; i < n; i++) {
    if (<i32>doc[s + 1 + i] != key.charCodeAt(i)) return false;
  }
  return true;
}

/** Decodes a validated string literal [s, e) (quotes included) to text. One allocation. */
function decodeJsonString(doc: Uint8Array, s: i32, e: i32): string {
  let hasEscape = false;
  for (let i = s + 1; i < e - 1; i++) if (doc[i] == 0x5c) { hasEscape = true; break; }
  if (!hasEscape) {
    const t = decodeUtf8(doc, s + 1, e - 1);
    return t === null ? "" : t; // validated already; null cannot happen
  }
  // Count UTF-16 units first so the string is allocated once.
  const base = doc.dataStart;
  const stop = base + <usize>(e - 1);
  let units = 0;
  let i = s + 1;
  while (i < e - 1) {
    const c = doc[i];
    if (c == 0x5c) {
      i += doc[i + 1] == 0x75 ? 6 : 2;
      units++;
    } else {
      const n = utf8SeqLen(base + <usize>i, stop);
      units += n == 4 ? 2 : 1;
      i += n;
    }
  }
  const out = changetype<string>(__new(<usize>units << 1, idof<string>()));
  let q = changetype<usize>(out);
  i = s + 1;
  while (i < e - 1) {
    const c = doc[i];
    let u: i32 = 0;
    if (c == 0x5c) {
      const x = doc[i + 1];
      if (x == 0x75) { u = hex4At(doc, i + 2); i += 6; }
      else {
        i += 2;
        if (x == 0x62) u = 0x08;
        else if (x == 0x66) u = 0x0c;
        else if (x == 0x6e) u = 0x0a;
        else if (x == 0x72) u = 0x0d;
        else if (x == 0x74) u = 0x09;
        else u = x; // " \ /
      }
      store<u16>(q, <u16>u);
      q += 2;
    } else {
      const n = utf8SeqLen(base + <usize>i, stop);
      const cp = utf8CodePoint(base + <usize>i, n);
      if (cp >= 0x10000) {
        store<u16>(q, <u16>(0xd800 | ((cp - 0x10000) >> 10)));
        store<u16>(q, <u16>(0xdc00 | ((cp - 0x10000) & 0x3ff)), 2);
        q += 4;
      } else {
        store<u16>(q, <u16>cp);
        q += 2;
      }
      i += n;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Exact numbers: the decimal's digits as an integer m and a power of ten e,
// then Clinger's fast path (m ≤ 2^53 and |e| ≤ 22: one correctly rounded
// IEEE operation on two exact operands). Anything else is NaN.

const TWO53: u64 = 9007199254740992;

function pow10(n: i32): f64 {
  let p: f64 = 1;
  for (let i = 0; i < n; i++) p *= 10; // exact up to 10^22
  return p;
}

function exactNumber(doc: Uint8Array, s: i32, e: i32): f64 {
  let i = s;
  let neg = false;
  if (doc[i] == 0x2d) { neg = true; i++; }
  let m: u64 = 0;
  let exp10: i32 = 0;
  let zeros: i32 = 0; // trailing zeros not yet folded into m
  let fraction = false;
  for (; i < e; i++) {
    const c = <i32>doc[i];
    if (c == 0x2e) { fraction = true; continue; }
    if (c == 0x65 || c == 0x45) break;
    const d = c - 0x30;
    if (fraction) exp10--;
    if (d == 0) { zeros++; continue; }
    // fold pending zeros and this digit into m, refusing anything over 2^53
    for (let z = 0; z < zeros; z++) {
      if (m > TWO53 / 10) return NaN;
      m *= 10;
    }
    zeros = 0;
    if (m > (TWO53 - <u64>d) / 10) return NaN;
    m = m * 10 + <u64>d;
  }
  exp10 += zeros; // trailing zeros are a power of ten
  if (i < e) {
    i++;
    let eneg = false;
    if (doc[i] == 0x2d) { eneg = true; i++; }
    else if (doc[i] == 0x2b) i++;
    let x: i32 = 0;
    for (; i < e; i++) {
      if (x > 100000) return NaN;
      x = x * 10 + (<i32>doc[i] - 0x30);
    }
    exp10 += eneg ? -x : x;
  }
  if (m == 0) return neg ? -0.0 : 0.0;
  // Move surplus powers of ten into m while it stays exact.
  while (exp10 > 22 && m <= TWO53 / 10) { m *= 10; exp10--; }
  if (exp10 > 22 || exp10 < -22) return NaN;
  let v = <f64>m;
  if (exp10 > 0) v *= pow10(exp10);
  else if (exp10 < 0) v /= pow10(-exp10);
  if (isFinite(v) == false) return NaN;
  return neg ? -v : v;
}

// ---------------------------------------------------------------------------
// The validating pass.

class Checker {
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

/**
 * Reads one JSON text from bytes. Never traps; allocates nothing but the
 * result until a caller reads a value. On failure `error` says what and where.
 * The bytes are kept (not copied) by the values: do not change them after.
 */
export function parseJsonBytes(doc: Uint8Array, maxDepth: i32 = JSON_MAX_DEPTH, maxBytes: i32 = JSON_MAX_CHARS): JsonResult {
  const result = new JsonResult();
  if (doc.length > maxBytes) {
    result.error = JSON_TOO_COMPLEX + " (" + doc.length.toString() + " bytes of JSON)";
    return result;
  }
  const r = new Checker(doc, maxDepth);
  r.skipSpace();
  const start = r.pos;
  if (!r.value(0)) {
    result.error = r.error.length ? r.error : "malformed JSON";
    return result;
  }
  const end = r.pos;
  r.skipSpace();
  if (r.pos != doc.length) {
    result.error = "trailing characters after JSON value at byte " + r.pos.toString();
    return result;
  }
  result.value = JsonValue.view(doc, start, end);
  return result;
}

/** Reads one JSON text given as a string (its UTF-8 bytes are what is checked). */
export function parseJson(text: string, maxDepth: i32 = JSON_MAX_DEPTH, maxChars: i32 = JSON_MAX_CHARS): JsonResult {
  if (text.length > maxChars) {
    const result = new JsonResult();
    result.error = JSON_TOO_COMPLEX + " (" + text.length.toString() + " characters of JSON)";
    return result;
  }
  return parseJsonBytes(Uint8Array.wrap(String.UTF8.encode(text)), maxDepth, maxChars);
}

/** Writes `s` as a JSON string literal, escaping per RFC 8259 §7. */
export function jsonQuote(s: string): string {
  const parts = new Array<string>();
  parts.push("\"");
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | null = null;
    if (c == 0x22) esc = "\\\"";
    else if (c == 0x5c) esc = "\\\\";
    else if (c == 0x0a) esc = "\\n";
    else if (c == 0x0d) esc = "\\r";
    else if (c == 0x09) esc = "\\t";
    else if (c < 0x20) {
      const h = "0123456789abcdef";
      esc = "\\u00" + h.charAt(c >> 4) + h.charAt(c & 15);
    }
    if (esc !== null) {
      if (i > run) parts.push(s.substring(run, i));
      parts.push(esc);
      run = i + 1;
    }
  }
  if (run < s.length) parts.push(s.substring(run));
  parts.push("\"");
  return joinAll(parts);
}

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

export const enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

import { joinAll } from "./join";
import { skipWs, skipString, skipValue, nameEquals, decodeJsonString, exactNumber } from "./json_scan";
export { JSON_MAX_DEPTH, JSON_MAX_CHARS, JSON_MAX_VALUES, JSON_MAX_MEMBERS, JSON_TOO_COMPLEX } from "./json_check";
import { JSON_MAX_DEPTH, JSON_MAX_CHARS, JSON_TOO_COMPLEX, Checker } from "./json_check";

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

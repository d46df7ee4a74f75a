// A strict, bounded, lazy JSON reader for untrusted bytes (RFC 8259).
//
// Server answers are hostile until proven otherwise, and the heap is a few
// tens of KiB, so the reader works on the answer's bytes as they arrived:
//
// - One walk, before anything is allocated, checks the grammar (RFC 8259
//   §2-7), strict UTF-8 (§8.1, RFC 3629) and the limits in json_check.ts.
//   A document over a limit is refused with its fault (E260-E263); nothing
//   is built for it, so no answer the body cap allows can exhaust memory.
// - Values are views (kind and byte range) into those bytes. A string is
//   decoded only when a caller reads it; members and items never read are
//   never allocated. An unread 12 KiB id_token costs nothing.
// - Numbers are read exactly or not at all (RFC 8259 §6, json_check.ts):
//   one that cannot be turned into the correctly rounded double by an exact
//   computation reads as NaN, which every caller already refuses.
//
// A text that is refused gives the fault and the byte offset, "E26x N"
// (assembly/faults.ts). The same faults serve answers and the device's
// configuration: a caller adds its own fault for the context.
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
import { decodeText, encodeUtf8, walkText } from "./utf8";
import { fault, Fault } from "../faults";
import { JSON_MAX_CHARS, MEMBER_SCRATCH, SCRATCH_MEMBERS, Walk, noteMember, readNumber, numValue } from "./json_check";
export { JSON_MAX_DEPTH, JSON_MAX_CHARS, JSON_MAX_VALUES, JSON_MAX_MEMBERS } from "./json_check";

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  /** The document's bytes for a value read from text; null for a built value. */
  private doc: Uint8Array | null = null;
  /** Byte range [start, end) of the value in `doc`. */
  private start: i32 = 0;
  private end: i32 = 0;
  private _str: string | null = null;
  private _items: Array<JsonValue> | null = null;
  private _keys: Array<string> | null = null;
  /** Members of an object read from text, found on its first lookup (or by the check walk, for the root): (name's quote, value start, value end) each. */
  index: StaticArray<i32> | null = null;

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
    v.setView(doc, start, end);
    return v;
  }

  /** Makes this the value at doc[start, end), as read anew. */
  private setView(doc: Uint8Array, start: i32, end: i32): void {
    this.doc = doc;
    this.start = start;
    this.end = end;
    this._str = null;
    this._items = null;
    this._keys = null;
    this.index = null;
    const c = <i32>doc[start];
    let k = JsonKind.Number;
    if (c == 0x22) k = JsonKind.String;
    else if (c == 0x7b) k = JsonKind.Object;
    else if (c == 0x5b) k = JsonKind.Array;
    else if (c == 0x74 || c == 0x66) k = JsonKind.Bool;
    else if (c == 0x6e) k = JsonKind.Null;
    this.kind = k;
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
    const s = stringAt(this.doc!, this.start);
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
    return encodeUtf8(this.str, false);
  }

  /** The number, exactly, or NaN when it cannot be read exactly (see above); 0 for other kinds. */
  get num(): f64 {
    if (this.doc === null || this.kind != JsonKind.Number) return 0;
    readNumber(this.doc!, this.start);
    return numValue;
  }

  /** The boolean (false for other kinds). */
  get bool(): bool {
    return this.kind == JsonKind.Bool && this.doc !== null && this.doc![this.start] == 0x74;
  }

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
    if (this.doc === null || this.kind < JsonKind.Array) return;
    // Walks the container again: it was checked, so the walk cannot fail.
    const doc = this.doc!;
    const w = Walk.over(doc, this.start + 1);
    for (let n = 0; w.child(doc[this.start] + 2, n, 1); n++) {
      if (w.name >= 0) keys.push(stringAt(doc, w.name));
      items.push(JsonValue.view(doc, w.start, w.pos));
    }
  }

  /** Member of an object by key (last one wins on duplicates), or null. */
  get(key: string): JsonValue | null {
    return this.getInto(key, null);
  }

  /**
   * get(), but a member read from text is read into `into` (its earlier
   * value dropped) when one is given, rather than into a new value: a
   * reader that looks at each member once reuses one value for them all.
   * Use what it returns, which is not `into` for a built object.
   */
  getInto(key: string, into: JsonValue | null): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    if (this.doc === null || this._keys !== null) { // built, or names decoded already
      const keys = this.keys;
      for (let i = keys.length - 1; i >= 0; i--) {
        if (keys[i] == key) return this.items[i];
      }
      return null;
    }
    // The first lookup finds where the members are; every lookup then
    // compares names in place, without allocating.
    const doc = this.doc!;
    let idx = this.index;
    if (idx === null) this.index = idx = memberIndex(doc, this.start);
    for (let m = idx.length - 3; m >= 0; m -= 3) {
      if (!nameIs(doc, unchecked(idx[m]), key)) continue;
      const v = into !== null ? into : new JsonValue();
      v.setView(doc, unchecked(idx[m + 1]), unchecked(idx[m + 2]));
      return v;
    }
    return null;
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

/** The text of the checked string whose opening quote is at `q`. One allocation. */
function stringAt(doc: Uint8Array, q: i32): string {
  return changetype<string>(decodeText(doc, q + 1, doc.length, true)); // checked: never null
}

/**
 * The byte ranges of the members of the checked object at `start` (checked
 * already, so no walk can fail), in an array of exactly their size: at
 * most JSON_MAX_MEMBERS, 12 bytes each. An object of up to 16 members, as
 * every answer's is, takes one walk; a larger one a second, after counting.
 */
function memberIndex(doc: Uint8Array, start: i32): StaticArray<i32> {
  let w = Walk.over(doc, start + 1);
  let n = 0;
  for (; w.child(0x7d, n, 1); n++) noteMember(n, w.name, w.start, w.pos);
  if (n <= SCRATCH_MEMBERS) return notedIndex(n);
  const idx = new StaticArray<i32>(n * 3);
  w = Walk.over(doc, start + 1);
  for (let k = 0; k < n; k++) {
    w.child(0x7d, k, 1);
    unchecked(idx[k * 3] = w.name);
    unchecked(idx[k * 3 + 1] = w.start);
    unchecked(idx[k * 3 + 2] = w.pos);
  }
  return idx;
}

/** The `n` members noted in MEMBER_SCRATCH (n <= SCRATCH_MEMBERS) as an index. */
function notedIndex(n: i32): StaticArray<i32> {
  const idx = new StaticArray<i32>(n * 3);
  memory.copy(changetype<usize>(idx), MEMBER_SCRATCH, <usize>n * 12);
  return idx;
}

// Where nameIs decodes a member name to compare it: static, so a lookup
// in an object of 512 escaped names allocates nothing.
const NAME_UNITS = 64;
const NAME_BUF = memory.data(NAME_UNITS << 1);

/** Whether the checked string whose opening quote is at `q` reads as `key`. */
function nameIs(doc: Uint8Array, q: i32, key: string): bool {
  const n = key.length;
  // Plain ASCII, as every name the device looks up is, compares in place:
  // the string was checked, so a closing quote stops the loop in bounds.
  const at = doc.dataStart + <usize>q + 1;
  const k = changetype<usize>(key);
  let i = 0;
  for (; i < n; i++) {
    const c = <u32>load<u8>(at + <usize>i);
    if (c == 0x22 || c == 0x5c || c >= 0x80) break;
    if (c != <u32>load<u16>(k + (<usize>i << 1))) return false;
  }
  // At the key's end, the name must end too; a name that ends first is shorter.
  const c = load<u8>(at + <usize>i);
  if (i == n || c == 0x22) return i == n && c == 0x22;
  // An escape or a non-ASCII character: decode the name and compare units.
  if (walkText(doc, q + 1, doc.length, true, 0) != n) return false;
  if (n > NAME_UNITS) return stringAt(doc, q) == key;
  walkText(doc, q + 1, doc.length, true, NAME_BUF);
  // A loop, not memory.compare: that one is inlined, and names are short.
  for (let j: usize = 0; j < <usize>n << 1; j += 2) {
    if (load<u16>(NAME_BUF + j) != load<u16>(k + j)) return false;
  }
  return true;
}

export class JsonResult {
  value: JsonValue | null = null;
  /** Why the text was refused: "E<n> <byte offset>" (E260: "E260 <bytes>"), or "". */
  error: string = "";
  get ok(): bool { return this.value !== null; }
}

/**
 * Reads one JSON text from bytes. Never traps; allocates nothing but the
 * result until a caller reads a value. The bytes are kept (not copied) by
 * the values: do not change them after.
 */
export function parseJsonBytes(doc: Uint8Array): JsonResult {
  const result = new JsonResult();
  const w = Walk.over(doc, 0);
  if (doc.length > JSON_MAX_CHARS) {
    w.fault = Fault.JsonTooLarge;
    w.pos = doc.length;
  } else {
    w.noteRoot = true; // the root object's index comes from this walk
    w.ws();
    const start = w.pos;
    if (w.value(0)) {
      const end = w.pos;
      w.ws();
      if (w.pos == doc.length) {
        const v = JsonValue.view(doc, start, end);
        if (v.kind == JsonKind.Object && w.rootMembers <= SCRATCH_MEMBERS) v.index = notedIndex(w.rootMembers);
        result.value = v;
      } else w.fault = Fault.JsonTrailing;
    }
  }
  if (w.fault) result.error = fault(<Fault>w.fault, w.pos.toString());
  return result;
}

/** Reads one JSON text given as a string (its UTF-8 bytes are what is checked). */
export function parseJson(text: string): JsonResult {
  if (text.length > JSON_MAX_CHARS) { // before copying it: it cannot fit in as many bytes
    const result = new JsonResult();
    result.error = fault(Fault.JsonTooLarge, text.length.toString());
    return result;
  }
  return parseJsonBytes(encodeUtf8(text, false));
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

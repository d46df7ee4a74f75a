// A strict, bounded JSON reader for untrusted input (RFC 8259).
//
// Server responses are hostile until proven otherwise: this reader never
// traps. Malformed text, excessive nesting or oversized input end in a
// JsonResult with `error` set and `value` null. json-as is used where the
// firmware *writes* JSON (its serializer is exact and fast); its parser
// aborts the module on malformed input, so it is never given bytes that
// came over the network.

export const enum JsonKind {
  Null = 0,
  Bool = 1,
  Number = 2,
  String = 3,
  Array = 4,
  Object = 5,
}

export class JsonValue {
  kind: JsonKind = JsonKind.Null;
  bool: bool = false;
  num: f64 = 0;
  str: string = "";
  items: Array<JsonValue> = [];
  keys: Array<string> = [];

  static of(kind: JsonKind): JsonValue {
    const v = new JsonValue();
    v.kind = kind;
    return v;
  }

  isString(): bool { return this.kind == JsonKind.String; }
  isNumber(): bool { return this.kind == JsonKind.Number; }
  isObject(): bool { return this.kind == JsonKind.Object; }
  isArray(): bool { return this.kind == JsonKind.Array; }
  isBool(): bool { return this.kind == JsonKind.Bool; }

  /** Member of an object by key (last one wins on duplicates), or null. */
  get(key: string): JsonValue | null {
    if (this.kind != JsonKind.Object) return null;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] == key) return this.items[i];
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

  /** Number member, or NaN when absent or of another type. */
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

export const JSON_MAX_DEPTH: i32 = 16;
export const JSON_MAX_CHARS: i32 = 65536;

class Reader {
  pos: i32 = 0;
  error: string = "";
  constructor(public text: string, public maxDepth: i32) {}

  fail(msg: string): JsonValue | null {
    if (this.error.length == 0) this.error = msg + " at " + this.pos.toString();
    return null;
  }

  peek(): i32 {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  skipSpace(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d) this.pos++;
      else break;
    }
  }

  literal(word: string): bool {
    if (this.text.length - this.pos < word.length) return false;
    for (let i = 0; i < word.length; i++) {
      if (this.text.charCodeAt(this.pos + i) != word.charCodeAt(i)) return false;
    }
    this.pos += word.length;
    return true;
  }

  value(depth: i32): JsonValue | null {
    if (depth > this.maxDepth) return this.fail("nesting too deep");
    this.skipSpace();
    const c = this.peek();
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const s = this.string();
      if (s === null) return null;
      const v = JsonValue.of(JsonKind.String);
      v.str = s;
      return v;
    }
    if (c == 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    if (this.literal("true")) { const v = JsonValue.of(JsonKind.Bool); v.bool = true; return v; }
    if (this.literal("false")) return JsonValue.of(JsonKind.Bool);
    if (this.literal("null")) return JsonValue.of(JsonKind.Null);
    return this.fail(c < 0 ? "unexpected end of input" : "unexpected character");
  }

  object(depth: i32): JsonValue | null {
    this.pos++; // {
    const v = JsonValue.of(JsonKind.Object);
    this.skipSpace();
    if (this.peek() == 0x7d) { this.pos++; return v; }
    while (true) {
      this.skipSpace();
      if (this.peek() != 0x22) return this.fail("expected a member name");
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.peek() != 0x3a) return this.fail("expected ':'");
      this.pos++;
      const item = this.value(depth + 1);
      if (item === null) return null;
      v.keys.push(key);
      v.items.push(item);
      this.skipSpace();
      const c = this.peek();
      this.pos++;
      if (c == 0x2c) continue;
      if (c == 0x7d) return v;
      this.pos--;
      return this.fail("expected ',' or '}'");
    }
  }

  array(depth: i32): JsonValue | null {
    this.pos++; // [
    const v = JsonValue.of(JsonKind.Array);
    this.skipSpace();
    if (this.peek() == 0x5d) { this.pos++; return v; }
    while (true) {
      const item = this.value(depth + 1);
      if (item === null) return null;
      v.items.push(item);
      this.skipSpace();
      const c = this.peek();
      this.pos++;
      if (c == 0x2c) continue;
      if (c == 0x5d) return v;
      this.pos--;
      return this.fail("expected ',' or ']'");
    }
  }

  hex4(): i32 {
    if (this.text.length - this.pos < 4) return -1;
    let n = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.text.charCodeAt(this.pos + i);
      let d: i32;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x61 + 10;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x41 + 10;
      else return -1;
      n = (n << 4) | d;
    }
    this.pos += 4;
    return n;
  }

  string(): string | null {
    this.pos++; // opening quote
    const start = this.pos;
    // Fast path: no escapes.
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x22) {
        const s = this.text.substring(start, this.pos);
        this.pos++;
        return s;
      }
      if (c == 0x5c) break;
      if (c < 0x20) { this.fail("control character in string"); return null; }
      this.pos++;
    }
    const parts: Array<string> = [this.text.substring(start, this.pos)];
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c == 0x22) { this.pos++; return parts.join(""); }
      if (c < 0x20) { this.fail("control character in string"); return null; }
      if (c != 0x5c) { parts.push(String.fromCharCode(c)); this.pos++; continue; }
      this.pos++;
      const e = this.peek();
      this.pos++;
      if (e == 0x22) parts.push("\"");
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        const u = this.hex4();
        if (u < 0) { this.fail("bad \\u escape"); return null; }
        parts.push(String.fromCharCode(u));
      } else { this.fail("bad escape"); return null; }
    }
    this.fail("unterminated string");
    return null;
  }

  number(): JsonValue | null {
    const start = this.pos;
    if (this.peek() == 0x2d) this.pos++;
    const intStart = this.pos;
    while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
    const intLen = this.pos - intStart;
    if (intLen == 0) return this.fail("bad number");
    if (intLen > 1 && this.text.charCodeAt(intStart) == 0x30) return this.fail("leading zero in number");
    if (this.peek() == 0x2e) {
      this.pos++;
      const f = this.pos;
      while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
      if (this.pos == f) return this.fail("bad fraction");
    }
    if (this.peek() == 0x65 || this.peek() == 0x45) {
      this.pos++;
      if (this.peek() == 0x2b || this.peek() == 0x2d) this.pos++;
      const e = this.pos;
      while (this.peek() >= 0x30 && this.peek() <= 0x39) this.pos++;
      if (this.pos == e) return this.fail("bad exponent");
    }
    const v = JsonValue.of(JsonKind.Number);
    v.num = parseFloat(this.text.substring(start, this.pos));
    return v;
  }
}

/** Parses one JSON text. Never traps; on failure `error` says what and where. */
export function parseJson(text: string, maxDepth: i32 = JSON_MAX_DEPTH, maxChars: i32 = JSON_MAX_CHARS): JsonResult {
  const result = new JsonResult();
  if (text.length > maxChars) {
    result.error = "JSON text too large (" + text.length.toString() + " characters)";
    return result;
  }
  const r = new Reader(text, maxDepth);
  const v = r.value(0);
  if (v === null) {
    result.error = r.error.length ? r.error : "malformed JSON";
    return result;
  }
  r.skipSpace();
  if (r.pos != text.length) {
    result.error = "trailing characters after JSON value at " + r.pos.toString();
    return result;
  }
  result.value = v;
  return result;
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
  return parts.join("");
}

// The walk of the JSON reader (json.ts) over the bytes of a JSON text
// (RFC 8259). Checking a text, finding the members and items of a checked
// container and reading a checked number are the same walk, so there is
// one grammar: the check runs once over the whole text before anything is
// allocated (grammar §2-7, strict UTF-8 §8.1 through utf8.ts, the limits
// below), and a reader later walks again only the container or number it
// is asked for.
import { Fault } from "../faults";
import { walkText, walkAt } from "./utf8";

// The limits, checked before anything is built. Their words are in the
// fault lines of host/faults.ts (260-263): change both together.

/** Nesting deeper than this is refused (a value at depth 17 or more; the text itself is depth 0). */
export const JSON_MAX_DEPTH: i32 = 16;
/**
 * Bytes of JSON text read at most: every board's NET_BODY_CAP (16 KiB,
 * boards/ABI.md section 9), and what the 2-page module's heap is sized for.
 */
export const JSON_MAX_CHARS: i32 = 16384;
/**
 * Values (scalars and containers) in one document. Values cost nothing
 * until read, so this only bounds work; at JSON_MAX_CHARS a text holds at
 * most 8,192 values, so it is the byte limit that binds.
 */
export const JSON_MAX_VALUES: i32 = 16384;
/** Members in one object: bounds every lookup and any duplicate-member flood. */
export const JSON_MAX_MEMBERS: i32 = 512;

const TWO53: u64 = 9007199254740992;

export class Walk {
  pos: i32 = 0;
  values: i32 = 0;
  /** The fault that stopped the walk (0: none); `pos` is where. */
  fault: i32 = 0;
  /**
   * The children of the outermost container walked: how many, and when
   * `index` is given, three offsets each: the name's opening quote (-1 in an
   * array), the value's start and its end.
   */
  count: i32 = 0;
  index: StaticArray<i32> | null = null;
  /** The last number walked, exactly or NaN (see number()). */
  num: f64 = 0;
  private m: u64 = 0;
  private e: i32 = 0;
  private zeros: i32 = 0;
  private big: bool = false;

  constructor(public doc: Uint8Array, start: i32 = 0) {
    this.pos = start;
  }

  fail(f: Fault): bool {
    this.fault = f;
    return false;
  }

  peek(): i32 {
    return this.pos < this.doc.length ? <i32>load<u8>(this.doc.dataStart + <usize>this.pos) : -1;
  }

  /** Skips whitespace (§2: space, tab, line feed, carriage return). */
  ws(): void {
    while (true) {
      const c = this.peek();
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) return;
      this.pos++;
    }
  }

  /** Walks one value (§3) and the whitespace before it. */
  value(depth: i32): bool {
    this.ws();
    if (depth > JSON_MAX_DEPTH) return this.fail(Fault.JsonTooDeep);
    if (++this.values > JSON_MAX_VALUES) return this.fail(Fault.JsonTooManyValues);
    const c = this.peek();
    if (c == 0x7b || c == 0x5b) return this.container(depth);
    if (c == 0x22) return this.string();
    if (c == 0x2d || <u32>(c - 0x30) < 10) return this.number();
    // The literals, compared as little-endian words: "true", "null", "fals" + "e".
    const p = this.pos;
    const n = this.doc.length;
    const w = p + 4 <= n ? load<u32>(this.doc.dataStart + <usize>p) : 0;
    if (w == 0x65757274 || w == 0x6c6c756e) { this.pos += 4; return true; }
    if (w == 0x736c6166 && p + 5 <= n && this.doc[p + 4] == 0x65) { this.pos += 5; return true; }
    return this.fail(Fault.JsonSyntax);
  }

  /** An object (§4) or an array (§5): the two differ only by member names. */
  container(depth: i32): bool {
    const close = this.peek() + 2; // '{' + 2 is '}', '[' + 2 is ']'
    const object = close == 0x7d;
    this.pos++;
    this.ws();
    let n = 0;
    if (this.peek() == close) this.pos++;
    else while (true) {
      let name = -1;
      if (object) {
        if (n >= JSON_MAX_MEMBERS) return this.fail(Fault.JsonTooManyMembers);
        this.ws();
        name = this.pos;
        if (this.peek() != 0x22) return this.fail(Fault.JsonSyntax);
        if (!this.string()) return false;
        this.ws();
        if (this.peek() != 0x3a) return this.fail(Fault.JsonSyntax);
        this.pos++;
      }
      this.ws();
      const start = this.pos;
      if (!this.value(depth + 1)) return false;
      const idx = this.index;
      if (depth == 0 && idx !== null) {
        unchecked(idx[n * 3] = name);
        unchecked(idx[n * 3 + 1] = start);
        unchecked(idx[n * 3 + 2] = this.pos);
      }
      n++;
      this.ws();
      const c = this.peek();
      if (c != close && c != 0x2c) return this.fail(Fault.JsonSyntax);
      this.pos++;
      if (c == close) break;
    }
    this.count = n;
    return true;
  }

  /** A string (§7), through the one UTF-8 decoder (utf8.ts). */
  string(): bool {
    const r = walkText(this.doc, this.pos + 1, this.doc.length, true, 0);
    this.pos = walkAt;
    if (r < 0) return this.fail(<Fault>-r);
    this.pos++; // the closing quote
    return true;
  }

  /**
   * A number (§6): [ minus ] int [ frac ] [ exp ], int = zero / ( digit1-9
   * *DIGIT ). Its value is read exactly or not at all (§6 lets an
   * implementation limit range and precision): the decimal's digits as an
   * integer m and a power of ten e, then Clinger's fast path (m ≤ 2^53 and
   * |e| ≤ 22: one correctly rounded IEEE operation on two exact operands).
   * Anything else reads as NaN, which every caller refuses.
   */
  number(): bool {
    this.m = 0;
    this.e = 0;
    this.zeros = 0;
    this.big = false;
    const neg = this.peek() == 0x2d;
    if (neg) this.pos++;
    const first = this.peek();
    const n = this.digits(false);
    if (n == 0 || (first == 0x30 && n > 1)) return this.fail(Fault.JsonBadNumber);
    if (this.peek() == 0x2e) {
      this.pos++;
      if (this.digits(true) == 0) return this.fail(Fault.JsonBadNumber);
    }
    let e = this.e + this.zeros; // trailing zeros are a power of ten
    if ((this.peek() | 0x20) == 0x65) {
      this.pos++;
      const s = this.peek();
      if (s == 0x2b || s == 0x2d) this.pos++;
      let x = 0;
      let k = 0;
      for (; <u32>(this.peek() - 0x30) < 10; k++) {
        if (x < 100000) x = x * 10 + this.peek() - 0x30; // beyond, only its size matters
        this.pos++;
      }
      if (k == 0) return this.fail(Fault.JsonBadNumber);
      e += s == 0x2d ? -x : x;
    }
    let m = this.m;
    let v: f64 = NaN;
    if (m == 0) v = 0;
    else if (!this.big) {
      // Move surplus powers of ten into m while it stays exact.
      while (e > 22 && m <= TWO53 / 10) { m *= 10; e--; }
      if (e >= -22 && e <= 22) {
        let p: f64 = 1;
        for (let i = e < 0 ? -e : e; i > 0; i--) p *= 10; // exact up to 10^22
        v = e < 0 ? <f64>m / p : <f64>m * p;
      }
    }
    this.num = neg ? -v : v;
    return true;
  }

  /** Walks a run of digits, folding them into m while it stays at most 2^53; the count. */
  private digits(fraction: bool): i32 {
    let n = 0;
    while (true) {
      const d = this.peek() - 0x30;
      if (<u32>d >= 10) return n;
      this.pos++;
      n++;
      if (fraction) this.e--;
      if (d == 0) { this.zeros++; continue; } // folded with the next digit that is not 0
      for (; this.zeros >= 0; this.zeros--) {
        const add = <u64>(this.zeros == 0 ? d : 0);
        if (this.m > (TWO53 - add) / 10) this.big = true;
        else this.m = this.m * 10 + add;
      }
      this.zeros = 0;
    }
  }
}

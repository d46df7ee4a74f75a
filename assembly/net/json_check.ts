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
  /** Set by child(): the child's name (its opening quote; -1 in an array) and where its value starts. */
  name: i32 = -1;
  start: i32 = 0;
  /**
   * When set (by the reader's check walk), the members of the root object
   * are noted in MEMBER_SCRATCH as they are walked, so the reader has the
   * root's index without walking it again; `rootMembers` counts them all.
   */
  noteRoot: bool = false;
  rootMembers: i32 = 0;

  constructor(public doc: Uint8Array, start: i32 = 0) {
    this.pos = start;
  }

  /**
   * The one walk, reset to start at `start` of `doc`: walks never nest (a
   * reader finishes one before it starts the next), so none is allocated.
   */
  static over(doc: Uint8Array, start: i32): Walk {
    const w = SHARED;
    w.doc = doc;
    w.pos = start;
    w.values = 0;
    w.fault = 0;
    w.name = -1;
    w.start = 0;
    w.noteRoot = false;
    w.rootMembers = 0;
    return w;
  }

  fail(f: Fault): bool {
    this.fault = f;
    return false;
  }

  peek(): i32 {
    return byteAt(this.doc, this.pos);
  }

  /** Skips whitespace (§2). */
  ws(): void {
    while (isWhitespace(this.peek())) this.pos++;
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
    this.pos++;
    for (let n = 0; this.child(close, n, depth + 1); n++);
    return this.fault == 0;
  }

  /**
   * Walks the next child of a container closed by `close`, `n` children
   * after its opening bracket (`pos` just after the bracket or the previous
   * child). True with the child walked: `name`, `start`, and `pos` at its
   * end; false after the closing bracket, or with `fault` set.
   */
  child(close: i32, n: i32, depth: i32): bool {
    this.ws();
    let c = this.peek();
    if (c == close) { this.pos++; return false; }
    if (n > 0) { // a comma before every child but the first, and no comma before the bracket
      if (c != 0x2c) return this.fail(Fault.JsonSyntax);
      this.pos++;
      this.ws();
      c = this.peek();
    }
    let name = -1;
    if (close == 0x7d) {
      if (n >= JSON_MAX_MEMBERS) return this.fail(Fault.JsonTooManyMembers);
      if (c != 0x22) return this.fail(Fault.JsonSyntax);
      name = this.pos;
      if (!this.string()) return false;
      this.ws();
      if (this.peek() != 0x3a) return this.fail(Fault.JsonSyntax);
      this.pos++;
    }
    this.ws();
    const start = this.pos;
    const ok = this.value(depth);
    this.name = name; // set after the value, whose own children set them too
    this.start = start;
    if (ok && depth == 1 && name >= 0 && this.noteRoot) noteMember(this.rootMembers++, name, start, this.pos);
    return ok;
  }

  /** A string (§7), through the one UTF-8 decoder (utf8.ts). */
  string(): bool {
    const r = walkText(this.doc, this.pos + 1, this.doc.length, true, 0);
    this.pos = walkAt;
    if (r < 0) return this.fail(<Fault>-r);
    this.pos++; // the closing quote
    return true;
  }

  /** A number (§6), read by readNumber. */
  number(): bool {
    const e = readNumber(this.doc, this.pos);
    this.pos = e < 0 ? ~e : e;
    return e >= 0 || this.fail(Fault.JsonBadNumber);
  }
}

const SHARED = new Walk(new Uint8Array(0));

// Where an object's members are noted as (name's quote, value start, value
// end), 12 bytes each, for the reader's member index (json.ts).
export const SCRATCH_MEMBERS = 16;
export const MEMBER_SCRATCH = memory.data(SCRATCH_MEMBERS * 12);

/** Notes member `n` in MEMBER_SCRATCH; one past the scratch is not noted. */
export function noteMember(n: i32, name: i32, start: i32, end: i32): void {
  if (n >= SCRATCH_MEMBERS) return;
  const at = MEMBER_SCRATCH + <usize>n * 12;
  store<i32>(at, name);
  store<i32>(at, start, 4);
  store<i32>(at, end, 8);
}

/** JSON whitespace (RFC 8259 §2): space, tab, line feed, carriage return. */
export function isWhitespace(c: i32): bool {
  return c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d;
}

// The number being read: scalars, so reading one allocates nothing.
let numM: u64 = 0;
let numE: i32 = 0;
let numZeros: i32 = 0;
let numBig: bool = false;
/** The value of the last number readNumber read. */
export let numValue: f64 = 0;

/** The byte at doc[i], or -1 past the end. */
// @ts-ignore: decorator
@inline
function byteAt(doc: Uint8Array, i: i32): i32 {
  return i < doc.length ? <i32>load<u8>(doc.dataStart + <usize>i) : -1;
}

/**
 * Reads the number (RFC 8259 §6) at doc[i]: [ minus ] int [ frac ] [ exp ],
 * int = zero / ( digit1-9 *DIGIT ). Returns its end, or ~p when it is
 * malformed at p. Its value goes to numValue, exactly or not at all (§6
 * lets an implementation limit range and precision): the decimal's digits
 * as an integer m and a power of ten e, then Clinger's fast path (m ≤ 2^53
 * and |e| ≤ 22: one correctly rounded IEEE operation on two exact
 * operands). Anything else reads as NaN, which every caller refuses.
 */
export function readNumber(doc: Uint8Array, i: i32): i32 {
  numM = 0;
  numE = 0;
  numZeros = 0;
  numBig = false;
  const neg = byteAt(doc, i) == 0x2d;
  if (neg) i++;
  const zero = byteAt(doc, i) == 0x30;
  let p = digits(doc, i, false);
  if (p == i || (zero && p > i + 1)) return ~p; // no digit, or a leading zero
  i = p;
  if (byteAt(doc, i) == 0x2e) {
    p = digits(doc, ++i, true);
    if (p == i) return ~p;
    i = p;
  }
  let e = numE + numZeros; // trailing zeros are a power of ten
  if ((byteAt(doc, i) | 0x20) == 0x65) {
    const sign = byteAt(doc, ++i);
    if (sign == 0x2b || sign == 0x2d) i++;
    let x = 0;
    p = i;
    for (let d = byteAt(doc, i) - 0x30; <u32>d < 10; d = byteAt(doc, ++i) - 0x30) {
      if (x < 100000) x = x * 10 + d; // beyond, only its size matters
    }
    if (i == p) return ~i;
    e += sign == 0x2d ? -x : x;
  }
  let m = numM;
  let v: f64 = NaN;
  if (m == 0) v = 0;
  else if (!numBig) {
    // Move surplus powers of ten into m while it stays exact.
    while (e > 22 && m <= TWO53 / 10) { m *= 10; e--; }
    if (e >= -22 && e <= 22) {
      let t: f64 = 1;
      for (let k = e < 0 ? -e : e; k > 0; k--) t *= 10; // exact up to 10^22
      v = e < 0 ? <f64>m / t : <f64>m * t;
    }
  }
  numValue = neg ? -v : v;
  return i;
}

/** Reads a run of digits from doc[i], folding them into numM while it stays at most 2^53; its end. */
function digits(doc: Uint8Array, i: i32, fraction: bool): i32 {
  for (let d = byteAt(doc, i) - 0x30; <u32>d < 10; d = byteAt(doc, ++i) - 0x30) {
    if (fraction) numE--;
    if (d == 0) { numZeros++; continue; } // folded with the next digit that is not 0
    for (; numZeros >= 0; numZeros--) {
      const add = <u64>(numZeros == 0 ? d : 0);
      if (numM > (TWO53 - add) / 10) numBig = true;
      else numM = numM * 10 + add;
    }
    numZeros = 0;
  }
  return i;
}

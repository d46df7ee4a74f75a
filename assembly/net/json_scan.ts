// Reading JSON text that json_check.ts has already validated (the reader in
// json.ts): skipping values, comparing member names, decoding strings and
// exact numbers, straight from the answer's bytes.
import { utf8SeqLen, utf8CodePoint, decodeUtf8 } from "./utf8";

// ---------------------------------------------------------------------------
// Navigation over text already validated by Checker: no bounds surprises.

export function skipWs(doc: Uint8Array, i: i32): i32 {
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
export function skipString(doc: Uint8Array, i: i32): i32 {
  const base = doc.dataStart;
  i++;
  while (true) {
    const c = load<u8>(base + <usize>i);
    if (c == 0x22) return i + 1;
    i += c == 0x5c ? 2 : 1;
  }
}

/** End of the value starting at i. */
export function skipValue(doc: Uint8Array, i: i32): i32 {
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

export function hexDigit(c: i32): i32 {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

export function hex4At(doc: Uint8Array, i: i32): i32 {
  return (hexDigit(doc[i]) << 12) | (hexDigit(doc[i + 1]) << 8) | (hexDigit(doc[i + 2]) << 4) | hexDigit(doc[i + 3]);
}

/** Compares a member name [s, e) (quotes included) with `key`, without allocating when it has no escapes. */
export function nameEquals(doc: Uint8Array, s: i32, e: i32, key: string): bool {
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
export function decodeJsonString(doc: Uint8Array, s: i32, e: i32): string {
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

export function pow10(n: i32): f64 {
  let p: f64 = 1;
  for (let i = 0; i < n; i++) p *= 10; // exact up to 10^22
  return p;
}

export function exactNumber(doc: Uint8Array, s: i32, e: i32): f64 {
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

// Decimal digits as a number, for the places that read one without a
// float parser: ports, IPv4 parts, Retry-After, numbers given as strings.

/** The value of the decimal digits s[from, to) (0 when empty), or -1 when one is not a digit; at most 18 digits. */
export function decimal(s: string, from: i32, to: i32): i64 {
  let n: i64 = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (<u32>d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

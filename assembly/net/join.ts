// Strings built in one allocation.
//
// Array<string>#join, in a build with shrinkLevel >= 1 (the release build),
// appends one part at a time: every step copies the whole result so far, so
// n parts leave O(n^2) bytes behind, and the minimal runtime frees nothing
// until the entry ends. A form body with a 6 KiB token built that way would
// exhaust the 2-page module. These helpers measure first and allocate once.

/** The parts joined with `sep`, in one allocation. */
export function joinAll(parts: Array<string>, sep: string = ""): string {
  const n = parts.length;
  if (n == 0) return "";
  if (n == 1) return parts[0];
  let units = sep.length * (n - 1);
  for (let i = 0; i < n; i++) units += parts[i].length;
  const out = changetype<string>(__new(<usize>units << 1, idof<string>()));
  let q = changetype<usize>(out);
  const sepBytes = <usize>sep.length << 1;
  for (let i = 0; i < n; i++) {
    if (i > 0 && sepBytes > 0) {
      memory.copy(q, changetype<usize>(sep), sepBytes);
      q += sepBytes;
    }
    const p = parts[i];
    const b = <usize>p.length << 1;
    memory.copy(q, changetype<usize>(p), b);
    q += b;
  }
  return out;
}

/** A string of `units` UTF-16 code units, to be filled with store<u16> before anyone reads it. */
export function rawString(units: i32): string {
  return changetype<string>(__new(<usize>units << 1, idof<string>()));
}

/** The hex digit of n (0-15): "0"-"9", then "A"-"F" when `upper`, else "a"-"f". */
export function hexDigit(n: i32, upper: bool): u16 {
  return <u16>(n < 10 ? 0x30 + n : (upper ? 0x37 : 0x57) + n);
}

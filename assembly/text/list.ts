// Word tables as one literal each. A string literal costs about 22 bytes
// of static data besides its characters (object header and data segment),
// so a table of 26 words written as 26 literals costs 570 bytes more than
// the same words in one string.

/** Piece `k` (from 0) of `list` split at `sep`; "" when there is no such piece. */
export function nth(list: string, k: i32, sep: string = " "): string {
  let start = 0;
  for (; k > 0; k--) {
    const at = list.indexOf(sep, start);
    if (at < 0) return "";
    start = at + 1;
  }
  let end = list.indexOf(sep, start);
  if (end < 0) end = list.length;
  return list.substring(start, end);
}

/** Index of the UTF-16 code unit `c` in `s`, or -1. */
export function unitIndex(s: string, c: i32): i32 {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) == c) return i;
  return -1;
}

/**
 * `s` cut at every line feed, as `s.split("\n")` would (an empty text is
 * one empty line), without linking in the general String#split.
 */
export function splitLines(s: string): Array<string> {
  const out = new Array<string>();
  let start = 0;
  for (let at = s.indexOf("\n"); at >= 0; at = s.indexOf("\n", start)) {
    out.push(s.substring(start, at));
    start = at + 1;
  }
  out.push(s.substring(start));
  return out;
}

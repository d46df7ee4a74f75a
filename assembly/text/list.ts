// Small text helpers that keep the general String#split out of the module.
// (Word tables are ui/words.txt, read with ui/words.ts words().)

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

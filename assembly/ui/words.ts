// The words the device says and shows, from one table: words.txt, turned
// into words_data.ts (one byte per character, a 2-byte start per entry) by
// tools/words.mjs. As string literals the same words took about twice the
// data: UTF-16 and a header and data segment per literal.
import { W, WORD_BYTES, WORD_STARTS } from "./words_data";
import { rawString } from "../net/join";

export { W } from "./words_data";

/**
 * Entry `w` as a fresh string. The generator lets only printable ASCII
 * into the table, so each byte is one UTF-16 code unit; anything outside
 * the table is "".
 */
export function words(w: W): string {
  if (<u32>w >= <u32>W.Count) return "";
  const start = <usize>load<u16>(WORD_STARTS + (<usize>w << 1));
  const n = <i32>load<u16>(WORD_STARTS + (<usize>w << 1), 2) - <i32>start;
  const out = rawString(n);
  const p = WORD_BYTES + start;
  const q = changetype<usize>(out);
  for (let i = 0; i < n; i++) store<u16>(q + (<usize>i << 1), load<u8>(p + <usize>i));
  return out;
}

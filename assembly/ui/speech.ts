// What a speaker says for a user code and a URL (RFC 8628 §3.3: a device
// without a screen reads the code out). Pure text in, text out; the board's
// text-to-speech reads the result.

import { asciiLower } from "../text/case";
import { joinAll } from "../net/join";
import { unitIndex } from "../text/list";
import { W, words } from "./words";

// Letters that sound alike over a small speaker get a word from the ICAO
// spelling alphabet: the "ee" rhymes (B C D E G P T V Z), the "eh" ones
// (F S X), the "ay" ones (A J K), Q and U, and M and N. The rest (H I L O
// R W Y) are said as they are.
// Their words are words.txt IcaoA to IcaoZ.
const CONFUSABLE = "ABCDEFGJKMNPQSTUVXZ";

// URL punctuation said as words: SYMBOLS[i] is said as words.txt SymbolDot + i.
const SYMBOLS = "./:-_?=&%#~@+";

/** The word for a digit '0'–'9', or "" for any other character. */
export function digitWord(c: i32): string {
  return c >= 0x30 && c <= 0x39 ? words(<W>(W.Digit0 + c - 0x30)) : "";
}

/** "B as in bravo" for a letter that sounds like others, "H" for one that does not, "" otherwise. */
export function letterWord(c: i32): string {
  let upper = c;
  if (c >= 0x61 && c <= 0x7a) upper = c - 0x20; // codes are case-insensitive (RFC 8628 §6.1)
  if (upper < 0x41 || upper > 0x5a) return "";
  const letter = String.fromCharCode(upper);
  if (unitIndex(CONFUSABLE, upper) < 0) return letter;
  return letter + words(W.AsIn) + words(<W>(W.IcaoA + upper - 0x41));
}

/**
 * The user code character by character, for a speaker: digits as words,
 * letters that sound alike with their spelling-alphabet word, separated by
 * commas so the voice pauses. Group separators ('-' and spaces) are not
 * spoken. E.g. "WDJB-MJHT" → "W, D as in delta, J as in juliet, B as in
 * bravo, M as in mike, J as in juliet, H, T as in tango".
 */
export function spellCode(code: string): string {
  const parts = new Array<string>();
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c == 0x2d || c == 0x20) continue;
    let word = digitWord(c);
    if (word.length == 0) word = letterWord(c);
    if (word.length == 0) word = code.charAt(i);
    parts.push(word);
  }
  return joinAll(parts, ", ");
}

/** The spoken name of a URL punctuation character, or "" for a letter or digit. */
function symbolWord(c: i32): string {
  const i = unitIndex(SYMBOLS, c);
  return i < 0 ? "" : words(<W>(W.SymbolDot + i));
}

/**
 * How to say a URL: without "https://" (a browser adds it) and without a
 * final slash; punctuation as words ("dot", "slash", "colon"), every digit
 * as a word (so a port or an address is read digit by digit); letters are
 * kept together so words are read as words. "http://" is kept, spelled
 * out, because a phone would otherwise try https.
 *
 *   https://example.com/device      → "example dot com slash device"
 *   http://127.0.0.1:8080/device    → "h t t p colon slash slash one two seven dot
 *                                      zero dot zero dot one colon eight zero eight
 *                                      zero slash device"
 */
export function speakableUrl(uri: string): string {
  let rest = uri; // a verification_uri, checked as a URL: no surrounding spaces
  const lower = asciiLower(rest);
  let prefix = "";
  if (lower.startsWith("https://")) {
    rest = rest.substring(8);
  } else if (lower.startsWith("http://")) {
    rest = rest.substring(7);
    prefix = words(W.HttpSpoken);
  }
  while (rest.endsWith("/")) rest = rest.substring(0, rest.length - 1);
  const said = new Array<string>();
  if (prefix.length > 0) said.push(prefix);
  // Letters and other characters are kept together as a run: rest[run, i).
  let run = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    let word = digitWord(c);
    if (word.length == 0) word = symbolWord(c);
    if (word.length == 0) continue;
    if (run < i) said.push(rest.substring(run, i));
    said.push(word);
    run = i + 1;
  }
  if (run < rest.length) said.push(rest.substring(run));
  return joinAll(said, " ");
}

// The words of an utterance or a pattern, as the action table's matcher
// sees them (actions/table.ts loads patterns, actions/match.ts matches).
//
// Pure logic: no board access, never traps on bad input.

import { foldChar } from "../text/case";

export const MAX_UTTERANCE_CHARS: i32 = 500;
export const MAX_UTTERANCE_WORDS: i32 = 48;

// ---------------------------------------------------------------------------
// Normalization: case-, punctuation- and whitespace-insensitive words.
//
// - Letters are case-folded by foldChar (text/case.ts): ASCII, Latin-1,
//   Latin Extended-A, Greek and Cyrillic. Scripts without case (Korean,
//   Japanese, Chinese, Thai, ...) are matched as written. No Unicode case
//   tables are linked in.
// - Apostrophes are dropped inside words ("what's" -> "whats").
// - A comma between two digits is dropped ("1,234" -> "1234"); a period
//   between two digits stays ("12.5"), so it is not mistaken for digits.
// - Every other ASCII character that is not a letter or digit, and common
//   Unicode spaces and punctuation, separate words.
//
// The words of a text are written into two reused scratch buffers, folded
// and as spoken, each word a [start, end) range of code units: splitting
// an utterance and matching it allocate nothing.

export function isDigit(c: i32): bool {
  return c >= 0x30 && c <= 0x39;
}

function isApostrophe(c: i32): bool {
  return c == 0x27 || c == 0x2018 || c == 0x2019 || c == 0x60 || c == 0xb4;
}

function isWordChar(c: i32): bool {
  if (c < 0x80) return isDigit(c) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  if (c == 0xa0 || c == 0xa1 || c == 0xab || c == 0xbb || c == 0xbf || c == 0xb7) return false;
  if (c >= 0x2000 && c <= 0x206f) return false; // general punctuation and spaces
  if (c >= 0x3000 && c <= 0x303f) return false; // CJK punctuation
  if (c >= 0xff01 && c <= 0xff0f) return false; // fullwidth punctuation
  if (c == 0xfeff) return false;
  return true;
}

/** Folded code units of the words, back to back. */
export let foldedUnits = new StaticArray<u16>(MAX_UTTERANCE_CHARS);
/** The same units as written (parameter values keep their case). */
export let rawUnits = new StaticArray<u16>(MAX_UTTERANCE_CHARS);
/** Word i is units [wordStart[i], wordEnd[i]). */
export let wordStart = new StaticArray<i32>(MAX_UTTERANCE_WORDS + 1);
export let wordEnd = new StaticArray<i32>(MAX_UTTERANCE_WORDS + 1);

/**
 * Splits text[from, n) into the scratch buffers; returns the word count, or
 * maxWords + 1 as soon as there are more than maxWords words.
 */
export function splitWords(text: string, maxWords: i32, from: i32, n: i32): i32 {
  if (n - from > foldedUnits.length) {
    foldedUnits = new StaticArray<u16>(n - from);
    rawUnits = new StaticArray<u16>(n - from);
  }
  if (maxWords + 1 > wordStart.length) {
    wordStart = new StaticArray<i32>(maxWords + 1);
    wordEnd = new StaticArray<i32>(maxWords + 1);
  }
  let count = 0;
  let at = 0;
  let inWord = false;
  let prev = 0;
  for (let i = from; i < n; i++) {
    const c = <i32>text.charCodeAt(i);
    let kind = 0; // 0 separator, 1 word char, 2 dropped inside a word
    if (isWordChar(c)) kind = 1;
    else if (isApostrophe(c)) kind = 2;
    else if ((c == 0x2c || c == 0x2e) && inWord && isDigit(prev) && i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
      kind = c == 0x2c ? 2 : 1;
    }
    prev = c;
    if (kind == 1) {
      if (!inWord) {
        if (count == maxWords) return maxWords + 1;
        unchecked(wordStart[count] = at);
        inWord = true;
      }
      unchecked(rawUnits[at] = <u16>c);
      unchecked(foldedUnits[at] = <u16>foldChar(c));
      at++;
    } else if (kind == 0 && inWord) {
      unchecked(wordEnd[count++] = at);
      inWord = false;
    }
  }
  if (inWord) unchecked(wordEnd[count++] = at);

  return count;
}

/** Word i of the last split, folded, as a new string. */
export function wordString(i: i32): string {
  const start = unchecked(wordStart[i]);
  const len = unchecked(wordEnd[i]) - start;
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  memory.copy(changetype<usize>(out), changetype<usize>(foldedUnits) + (<usize>start << 1), <usize>len << 1);
  return out;
}

/** Whether word i of the last split (folded) is exactly `w`. */
export function wordIs(i: i32, w: string): bool {
  const start = unchecked(wordStart[i]);
  const len = unchecked(wordEnd[i]) - start;
  if (len != w.length) return false;
  const p = changetype<usize>(w);
  for (let k = 0; k < len; k++) {
    if (unchecked(foldedUnits[start + k]) != load<u16>(p + (<usize>k << 1))) return false;
  }
  return true;
}

/** The normalized words of a text, as the matcher sees them. */
export function normalizeWords(text: string): Array<string> {
  const n = splitWords(text, text.length, 0, text.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = wordString(i);
  return out;
}

// Case folding without Unicode case tables (String#toLowerCase links in
// about 7 KB of them). Covers the scripts with case that the firmware's
// users are expected to speak or type: ASCII, Latin-1, Latin Extended-A,
// Greek and Cyrillic. Every mapping is one UTF-16 code unit to one, so a
// folded text keeps its length. Anything else, including every script
// without case (Hangul, kana, CJK ideographs, Thai, Arabic, Hebrew, ...),
// is returned as it is, which is exactly how such text compares.
//
// The mappings follow Unicode's simple case folding (CaseFolding.txt,
// status C and S) for these blocks, with two deliberate one-to-one
// choices: U+0130 (I with dot above) folds to plain "i", and final sigma
// folds to sigma, so "ΟΔΟΣ" and "οδος" compare equal.

/** The case-folded form of one UTF-16 code unit. */
export function foldChar(c: i32): i32 {
  if (c < 0x80) return c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
  if (c < 0x100) {
    // Latin-1: À–Þ except × (U+00D7).
    if (c >= 0xc0 && c <= 0xde && c != 0xd7) return c + 0x20;
    if (c == 0xb5) return 0x3bc; // micro sign folds to Greek mu
    return c;
  }
  if (c < 0x180) {
    // Latin Extended-A: upper and lower case alternate, in three runs.
    if (c == 0x130) return 0x69;
    if (c == 0x178) return 0xff;
    if (c == 0x17f) return 0x73; // long s
    if ((c < 0x138 || (c >= 0x14a && c < 0x178)) && (c & 1) == 0) return c + 1;
    if (((c >= 0x139 && c < 0x149) || (c >= 0x179 && c < 0x17f)) && (c & 1) == 1) return c + 1;
    return c;
  }
  if (c >= 0x370 && c < 0x400) {
    // Greek.
    if (c >= 0x391 && c <= 0x3a9 && c != 0x3a2) return c + 0x20;
    if (c == 0x386) return 0x3ac;
    if (c >= 0x388 && c <= 0x38a) return c + 0x25;
    if (c == 0x38c) return 0x3cc;
    if (c == 0x38e || c == 0x38f) return c + 0x3f;
    if (c == 0x3c2) return 0x3c3; // final sigma
    return c;
  }
  if (c >= 0x400 && c < 0x530) {
    // Cyrillic: А–Я, then Ѐ–Џ; the pairs of the supplement alternate.
    if (c >= 0x410 && c <= 0x42f) return c + 0x20;
    if (c < 0x410) return c + 0x50;
    if (c >= 0x460 && c < 0x482 && (c & 1) == 0) return c + 1;
    if (c >= 0x48a && c < 0x4c0 && (c & 1) == 0) return c + 1;
    if (c == 0x4c0) return 0x4cf;
    if (c >= 0x4c1 && c < 0x4cf && (c & 1) == 1) return c + 1;
    if (c >= 0x4d0 && c < 0x530 && (c & 1) == 0) return c + 1;
    return c;
  }
  return c;
}

/** `s` with foldChar applied to every code unit; `s` itself when nothing changes. */
export function foldCase(s: string): string {
  const n = s.length;
  let i = 0;
  while (i < n && foldChar(s.charCodeAt(i)) == s.charCodeAt(i)) i++;
  if (i == n) return s;
  const out = changetype<string>(__new(<usize>n << 1, idof<string>()));
  memory.copy(changetype<usize>(out), changetype<usize>(s), <usize>i << 1);
  for (; i < n; i++) store<u16>(changetype<usize>(out) + (<usize>i << 1), <u16>foldChar(s.charCodeAt(i)));
  return out;
}

/**
 * ASCII letters A–Z lowered, everything else kept: for protocol words
 * (URL schemes and hosts, media types, auth schemes, token types), which
 * are ASCII-case-insensitive by their specs and must not be folded beyond.
 */
export function asciiLower(s: string): string {
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) break;
    i++;
  }
  if (i == n) return s;
  const out = changetype<string>(__new(<usize>n << 1, idof<string>()));
  memory.copy(changetype<usize>(out), changetype<usize>(s), <usize>n << 1);
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) store<u16>(changetype<usize>(out) + (<usize>i << 1), <u16>(c + 0x20));
  }
  return out;
}

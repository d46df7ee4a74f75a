// Text from the firmware, the servers and the network on its way to a
// terminal. A server answer that carries ESC sequences could otherwise move
// the cursor, rewrite what the screen says (a fake URL or code), set the
// window title or, on some terminals, paste into the prompt. So everything
// the interactive simulator prints passes through here first.
//
// Removed: complete escape sequences (CSI "ESC [ ... final", OSC "ESC ] ...
// BEL or ESC \", other two-byte ESC x), then every remaining C0 control
// except the line feed, DEL, the C1 controls U+0080..U+009F (CSI is also
// U+009B on some terminals), and the bidirectional overrides and isolates
// (U+202A..U+202E, U+2066..U+2069) that can make text read differently from
// what it is. Each removed control that was not part of a sequence leaves a
// visible U+FFFD, so a reader sees that something was there.

const REPLACEMENT = "\uFFFD";

// CSI: ESC [ parameters (0x30-0x3F)* intermediates (0x20-0x2F)* final (0x40-0x7E).
const CSI = /\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;
// OSC, DCS, SOS, PM, APC strings: ESC ] / P / X / ^ / _ ... terminated by BEL or ST (ESC \), or unterminated to the end.
const STRING_SEQ = /\x1b[\]PX^_][^\x07\x1b]*(?:\x07|\x1b\\|$)/g;
// Any other escape: ESC and one following byte.
const OTHER_ESC = /\x1b[\x20-\x7e]?/g;
// C1 string/sequence introducers in their 8-bit form, with what follows up to a plausible end.
const C1_CSI = /\u009b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]/g;
const C1_STRING = /[\u0090\u0098\u009d\u009e\u009f][^\x07\u009c]*(?:\x07|\u009c|$)/g;
// Single controls left over (line feed excluded).
const CONTROLS = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/** `s` without anything a terminal would act on; line feeds are kept. */
export function safeText(s: string): string {
  return String(s)
    .replace(STRING_SEQ, "")
    .replace(CSI, "")
    .replace(OTHER_ESC, "")
    .replace(C1_STRING, "")
    .replace(C1_CSI, "")
    .replace(/\r\n/g, "\n")
    .replace(/\t/g, " ")
    .replace(CONTROLS, REPLACEMENT);
}

/** `safeText` on one line: line feeds become spaces. */
export function safeLine(s: string): string {
  return safeText(s).replace(/\n/g, " ");
}

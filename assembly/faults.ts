// Why something failed, as a number. A reason is "E<n>" or "E<n> <arg>",
// where <arg> is the one variable part (a server's error code, a status, a
// field). The module carries only the number; the words live on the host
// (host/faults.ts), which expands them in every log line, and in
// boards/ABI.md for a board without that table. A screen shows the
// category sentence of the hundreds (ui/messages.ts faultWords) followed by
// the code, so a person can read it out and a porter can look it up.
//
// The hundreds are the categories:
//   1xx  the device's configuration is not usable
//   2xx  a server's answer could not be used (malformed, wrong, too large)
//   3xx  a server refused, failed or could not be reached
//   4xx  the device's flash
//   5xx  the action table
//
// Each line's comment is the words, exactly as host/faults.ts has them;
// test/hil/notes.test.ts checks both agree. A number is never reused for
// another meaning: add new ones in a free slot of the right hundred.
export const enum Fault {
  // 1xx configuration: the device config (100-139)
  // ·
  // 1xx configuration: URLs, HTTP, forms (140-169)
  // ·
  // 1xx configuration: JSON (170-199)
  // ·
  // 2xx unusable answers: linking, tokens, discovery, unlink (200-239)
  // ·
  // 2xx unusable answers: HTTP, URLs, forms (240-259)
  // ·
  // 2xx unusable answers: JSON and UTF-8 (260-289)
  JsonTooLarge = 260,       // JSON text too large: {} bytes (at most 16,384)
  JsonTooDeep = 261,        // JSON nested more than 16 deep at byte {}
  JsonTooManyValues = 262,  // JSON text has more than 16,384 values (at byte {})
  JsonTooManyMembers = 263, // JSON object has more than 512 members (at byte {})
  JsonNotUtf8 = 264,        // JSON text is not valid UTF-8 at byte {}
  JsonSyntax = 265,         // JSON syntax error at byte {}
  JsonTrailing = 266,       // text after the JSON value at byte {}
  JsonBadString = 267,      // control character or bad escape in a JSON string at byte {}
  JsonSurrogate = 268,      // unpaired surrogate escape in a JSON string at byte {}
  JsonUnterminated = 269,   // unterminated JSON string at byte {}
  JsonBadNumber = 270,      // malformed JSON number at byte {}
  // ·
  // 2xx unusable answers: the action backend (290-299)
  // ·
  // 3xx refusals and failures: linking, tokens, discovery, unlink (300-339)
  // ·
  // 3xx refusals and failures: HTTP and the action backend (340-399)
  // ·
  // 4xx flash: the token store and its records (400-449)
  // ·
  // 5xx the action table (500-599)
}

/** The reason string for a fault: "E<n>", or "E<n> <arg>". */
export function fault(f: Fault, arg: string = ""): string {
  const head = "E" + (<i32>f).toString();
  return arg.length == 0 ? head : head + " " + arg;
}

/** The fault number of a reason made by fault(), or 0 for words. */
export function faultOf(reason: string): i32 {
  if (reason.length < 2 || reason.charCodeAt(0) != 0x45) return 0;
  let n = 0;
  for (let i = 1; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if (c == 0x20) break;
    if (c < 0x30 || c > 0x39 || i > 3) return 0;
    n = n * 10 + (c - 0x30);
  }
  return n;
}

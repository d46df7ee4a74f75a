// Text screens and the countdown: answers keep their line breaks, the
// countdown never promises more time than is left, and the label above a
// loopback URL does not send the person to a phone.
import { test, expect, expectEq, report } from "./harness";
import { layout, screenText, wrapText, openLabel } from "../../assembly/ui/text_screen";
import { countdownText, countdownNextChange, ledFor, stateLabel } from "../../assembly/ui/status";
import { splitLines } from "../../assembly/text/list";
import { actionFailureWords, reasonOr, spokenReason } from "../../assembly/ui/messages";
import { W, words } from "../../assembly/ui/words";
import { Failure } from "../../assembly/actions/exchange";
import { DeviceState } from "../../assembly/device_state";
import { LedPattern } from "../../assembly/board/board";
import { Note, noteLine } from "../../assembly/notes";
import { GLYPH_HEIGHT, glyphRow } from "../../assembly/ui/font";

test("screenText keeps line breaks (LF, CR LF, CR) and drops other controls", () => {
  expectEq<string>(screenText("2026-11-23\n09:00 Team stand-up\r\n12:30 Lunch\r16:00 Dentist", 400),
    "2026-11-23\n09:00 Team stand-up\n12:30 Lunch\n16:00 Dentist", "one entry per line");
  expectEq<string>(screenText("a\x1b[31mb\x07c\td\u009bx", 400), "a[31mbc dx", "ESC, BEL, C1 dropped; tab is a space");
  expectEq<string>(screenText("abcdef", 3), "abc...", "cut at max with ...");
  expectEq<string>(screenText("abc", 3), "abc", "exactly max: not cut");
});

test("layout shows each line of a multi-line answer on its own row", () => {
  const lines = new Array<string>();
  lines.push("Linked");
  lines.push("2026-11-23\n09:00 Team stand-up\n12:30 Lunch with Sam");
  lines.push("[Linked]");
  expectEq<string>(layout(lines, 40, 6), "Linked\n2026-11-23\n09:00 Team stand-up\n12:30 Lunch with Sam\n[Linked]", "rows");
  const out = new Array<string>();
  wrapText("one two three\nfour", 7, out);
  expectEq<string>(out.join("|"), "one two|three|four", "wrapped within each line");
  const spaced = new Array<string>();
  wrapText("ab   cd  efgh ijklmnop", 4, spaced);
  expectEq<string>(spaced.join("|"), "ab|cd|efgh|ijkl|mnop", "spaces at a break dropped; a long word cut hard");
  const small = layout(lines, 40, 3);
  expectEq<string>(small, "Linked\n2026-11-23\n[Linked]", "status kept when rows run out");
});

test("countdown rounds down: a 15 s code never says 20 s", () => {
  expectEq<string>(countdownText(15000), "10 s", "15 s");
  expectEq<string>(countdownText(19999), "10 s", "19.999 s");
  expectEq<string>(countdownText(20000), "20 s", "20 s");
  expectEq<string>(countdownText(9999), "less than 10 s", "under 10 s");
  expectEq<string>(countdownText(120999), "120 s", "just over two minutes");
  expectEq<string>(countdownText(121000), "2 min", "121 s");
  expectEq<string>(countdownText(599999), "9 min", "just under 10 min");
  expectEq<string>(countdownText(600000), "10 min", "10 min");
  expectEq<string>(countdownText(0), "now", "expired");
});

/** The number of seconds a countdown text promises. */
function promised(t: string): i64 {
  if (t == "now" || t == "less than 10 s") return 0;
  const n = I64.parseInt(t.substring(0, t.indexOf(" ")));
  return t.endsWith(" min") ? n * 60 : n;
}

test("countdown never exceeds the time left at any wake-up, and wakes when the text changes", () => {
  const lifetimes: i64[] = [15000, 30000, 119000, 125000, 600000, 1800000];
  for (let k = 0; k < lifetimes.length; k++) {
    const expiresAt = lifetimes[k];
    let now: i64 = 0;
    let wakes = 0;
    let text = countdownText(expiresAt - now);
    while (true) {
      const next = countdownNextChange(now, expiresAt);
      if (next < 0) break;
      expect(next > now, "the next change is in the future");
      // Just before the next wake-up the shown text still holds.
      expect(promised(text) * 1000 <= expiresAt - (next - 1), "never more than is left, lifetime " + expiresAt.toString());
      now = next;
      const t = countdownText(expiresAt - now);
      expect(t != text || expiresAt - now <= 0, "every wake-up changes the text, at " + now.toString());
      text = t;
      wakes++;
      if (wakes > 200) break;
    }
    expect(wakes < 200, "a bounded number of wake-ups");
  }
});

test("the label above a loopback URL says this computer; other hosts say phone", () => {
  expectEq<string>(openLabel("http://127.0.0.1:43123/device"), "On this computer, open:", "loopback");
  expectEq<string>(openLabel("http://localhost:8080/device"), "On this computer, open:", "localhost");
  expectEq<string>(openLabel("http://192.168.1.20:43123/device"), "On your phone, open:", "LAN");
  expectEq<string>(openLabel("https://login.example.com/device"), "On your phone, open:", "public");
});

test("font: g, j, p, q, y have tails below the baseline; other letters and the box stay above it", () => {
  expectEq<i32>(GLYPH_HEIGHT, 8, "seven rows to the baseline and a descender row");
  const tails = "gjpqy";
  for (let i = 0; i < tails.length; i++) {
    expect(glyphRow(tails.charCodeAt(i), 7) != 0, tails.charAt(i) + " has a descender");
    expect(glyphRow(tails.charCodeAt(i), 0) == 0 || tails.charAt(i) == "j", tails.charAt(i) + " starts at x-height");
  }
  // "g" and "9" must not look alike (the reason for descenders).
  let same = true;
  for (let r = 0; r < GLYPH_HEIGHT; r++) if (glyphRow(0x67, r) != glyphRow(0x39, r)) same = false;
  expect(!same, "g differs from 9");
  const others = "abcdefhiklmnorstuvwxzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  for (let i = 0; i < others.length; i++) expectEq<u32>(glyphRow(others.charCodeAt(i), 7), 0, others.charAt(i) + " has no descender");
  expectEq<u32>(glyphRow(0x2603, 7), 0, "the box for unknown characters has no descender row");
  expectEq<u32>(glyphRow(0x67, 8), 0, "nothing below the descender row");
});

test("words: each entry of words.txt exactly, splitLines cuts like split", () => {
  expectEq<string>(words(W.NotUnderstood), "Sorry, I didn't get that.", "first entry");
  expectEq<string>(words(W.SymbolPlus), "plus", "last entry");
  expectEq<string>(words(W.CannotLink), "This device cannot link. ", "a space kept at the end");
  expectEq<string>(words(W.AndEnterCode), " and enter the code ", "and at both ends");
  expectEq<string>(words(W.SymbolQuestion), "question mark", "a space inside");
  expectEq<string>(words(<W>(W.IcaoA + 25)), "zulu", "a table read by index");
  expectEq<string>(words(W.Count), "", "past the end");
  expectEq<string>(words(<W>-1), "", "before the start");
  expectEq<string>(splitLines("a\n\nb").join("|"), "a||b", "empty line kept");
  expectEq<i32>(splitLines("").length, 1, "an empty text is one empty line");
  expectEq<string>(splitLines("x\n").join("|"), "x|", "final line feed");
});

test("status words and LED looks per state", () => {
  expectEq<string>(stateLabel(DeviceState.Booting), "Starting", "first");
  expectEq<string>(stateLabel(DeviceState.Backoff), "Network trouble, retrying", "label with a comma");
  expectEq<string>(stateLabel(DeviceState.Unlinked), "Not linked", "unlinked");
  expectEq<string>(stateLabel(DeviceState.Error), "Error", "last");
  expectEq<string>(stateLabel(<DeviceState>42), "Error", "out of range");
  const boot = ledFor(DeviceState.Booting);
  expect(boot.pattern == LedPattern.Pulse && boot.rgb == 0xffffff && boot.periodMs == 2000, "booting pulses white");
  const wait = ledFor(DeviceState.AwaitingApproval);
  expect(wait.pattern == LedPattern.Pulse && wait.rgb == 0x0060ff && wait.periodMs == 1500, "awaiting pulses blue");
  const err = ledFor(DeviceState.Error);
  expect(err.pattern == LedPattern.Solid && err.rgb == 0xff0000 && err.periodMs == 0, "error is solid red");
  // Every state looks different from every other.
  for (let a = 0; a <= <i32>DeviceState.Error; a++) {
    for (let b = a + 1; b <= <i32>DeviceState.Error; b++) {
      const x = ledFor(<DeviceState>a), y = ledFor(<DeviceState>b);
      expect(x.pattern != y.pattern || x.rgb != y.rgb || x.periodMs != y.periodMs, "states " + a.toString() + " and " + b.toString() + " differ");
    }
  }
});

test("reasons: a fault shows its category sentence and code, says only the category", () => {
  expectEq<string>(reasonOr("E301 invalid_client"), "A server refused or could not be reached. (E301 invalid_client)", "3xx");
  expectEq<string>(reasonOr("E104"), "This device is not set up correctly. (E104)", "1xx");
  expectEq<string>(spokenReason("E512 x"), "The action table is not usable.", "5xx said without the code");
  expectEq<string>(spokenReason("E420"), "This device could not use its storage.", "4xx");
  expectEq<string>(spokenReason("E250"), "A server sent an answer this device cannot use.", "2xx");
  expectEq<string>(reasonOr(""), "Something went wrong; see the log.", "never empty");
  expectEq<string>(reasonOr("Not linked."), "Not linked.", "words as they are");
});

test("action failures: one sentence each, the refusal with the backend's words", () => {
  expectEq<string>(actionFailureWords(Failure.Timeout, ""), "The service took too long to answer. Please try again.", "timeout");
  expectEq<string>(actionFailureWords(Failure.TooLarge, ""), "The service sent an answer that was too large.", "too large");
  expectEq<string>(actionFailureWords(Failure.Unreachable, ""), "I can't reach the service right now. Please try again later.", "unreachable");
  expectEq<string>(actionFailureWords(Failure.Http, ""), "The service had a problem. Please try again later.", "http");
  expectEq<string>(actionFailureWords(Failure.Refused, "No such order."), "The service could not do that. No such order.", "refused");
  expectEq<string>(actionFailureWords(Failure.Refused, ""), "The service could not do that.", "refused, no words");
  expectEq<string>(actionFailureWords(Failure.Unreadable, ""), "The service sent an answer I could not read.", "unreadable");
  expectEq<string>(actionFailureWords(Failure.RefreshGaveUp, ""), "I couldn't reconnect to your account. Please try again later.", "refresh");
  expectEq<string>(actionFailureWords(Failure.None, ""), "The service sent an answer I could not read.", "none: never empty");
});

test("noteLine: '#' and the number, then one space and the argument when there is one", () => {
  expectEq<string>(noteLine(Note.ConfigNotUtf8), "#20", "no argument");
  expectEq<string>(noteLine(Note.ConfigNotUtf8, "x y"), "#20 x y", "an argument");
  expectEq<string>(noteLine(<Note>7, "ü 한"), "#7 ü 한", "one digit, text beyond ASCII");
  expectEq<string>(noteLine(<Note>0), "#0", "zero");
  expectEq<string>(noteLine(<Note>1234, "a"), "#1234 a", "four digits");
});

report();

// Terminal escape injection: nothing a server or the firmware says may act
// on the terminal of the interactive simulator (host/textsafe.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { safeLine, safeText } from "../../host/textsafe.ts";

/** Nothing left that a terminal interprets: no C0 but LF, no DEL, no C1, no bidi overrides. */
function inert(s: string): boolean {
  return !/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/.test(s);
}

test("plain text, line breaks and non-ASCII letters pass unchanged", () => {
  const s = "2026-11-23\n09:00 Team stand-up\n12:30 Lunch with Zoë — café";
  assert.equal(safeText(s), s);
  assert.equal(safeLine("a\nb"), "a b");
});

test("CSI sequences (colours, cursor moves, screen clears) are removed whole", () => {
  assert.equal(safeText("Your order \x1b[31mshipped\x1b[0m"), "Your order shipped");
  assert.equal(safeText("x\x1b[2J\x1b[Hy"), "xy");
  assert.equal(safeText("\x1b[1;1HOpen: http://evil.example/device"), "Open: http://evil.example/device");
  assert.equal(safeText("a\x1b[?1049hb"), "ab");
});

test("OSC strings (window title, hyperlinks, clipboard) are removed, terminated by BEL, ST or nothing", () => {
  assert.equal(safeText("a\x1b]0;pwned\x07b"), "ab");
  assert.equal(safeText("a\x1b]52;c;ZWNobyBoaQ==\x1b\\b"), "ab");
  assert.equal(safeText("a\x1b]8;;http://x\x07link\x1b]8;;\x07b"), "alinkb");
  assert.equal(safeText("a\x1b]0;never ends"), "a");
  assert.equal(safeText("a\x1bPq#0;2;0;0;0\x1b\\b"), "ab");
});

test("8-bit C1 controls, lone controls and bidi overrides become visible U+FFFD or vanish", () => {
  assert.equal(safeText("a\u009b31mb"), "ab");
  assert.equal(safeText("a\u009d0;t\u009cb"), "ab");
  assert.equal(safeText("a\rb"), "a\uFFFDb");
  assert.equal(safeText("a\x00b\x07c\x7fd"), "a\uFFFDb\uFFFDc\uFFFDd");
  assert.equal(safeText("code \u202eTJHM-BJDW"), "code \uFFFDTJHM-BJDW");
  assert.equal(safeText("tab\there"), "tab here");
  assert.equal(safeText("a\r\nb"), "a\nb");
});

test("seeded random input never leaves an interpretable byte", () => {
  let seed = Number(process.env.SEED ?? 0x13) >>> 0;
  console.log(`seed ${seed}`);
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const alphabet = ["\x1b", "[", "]", "\x07", "\\", "\x9b", "\x9d", "\x9c", "\r", "\n", "\x00", "\u202e", "a", "1", ";", "m", "P"];
  for (let i = 0; i < 2000; i++) {
    let s = "";
    const n = Math.floor(rand() * 30);
    for (let j = 0; j < n; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
    const out = safeText(s);
    assert.ok(inert(out), `input ${JSON.stringify(s)} left ${JSON.stringify(out)}`);
    assert.equal(safeText(out), out, "safe text stays the same when cleaned again");
  }
});

// The device's words: assembly/ui/words_data.ts is what tools/words.mjs
// makes of assembly/ui/words.txt, the generator refuses what words() could
// not show, and the groups the firmware reads by index are in the order of
// the enum or table that indexes them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { SOURCE, TARGET, generate, parseWords } from "../../tools/words.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const entries = parseWords(readFileSync(SOURCE, "utf8"));
const names = entries.map((e: { name: string }) => e.name);
const text = (name: string): string => entries[names.indexOf(name)].text;

test("words_data.ts is up to date with words.txt (run node tools/words.mjs)", () => {
  assert.equal(readFileSync(TARGET, "utf8"), generate(entries));
});

test("the generator refuses words the device could not show or that would be stored twice", () => {
  const bad: Array<[string, RegExp]> = [
    ["A  Caf\u00e9", /not printable ASCII/],
    ["A  tab\there", /not printable ASCII/],
    ["A  trailing space ", /double quotes/],
    ["A  one\nA  two", /already on line 1/],
    ["A  same\nB  same", /the same words as A/],
    ["lower  name", /expected a name/],
    ["A", /expected a name/],
    ["# only a comment", /no entries/],
  ];
  for (const [src, why] of bad) assert.throws(() => parseWords(src), why, JSON.stringify(src));
  const ok = parseWords('# c\n\nA  "x "\nB  " y"\nC  a "quoted" word');
  assert.deepEqual(ok.map((e: { text: string }) => e.text), ["x ", " y", 'a "quoted" word']);
});

/** Members of `export const enum <name> { ... }` in a source file, in order. */
function enumMembers(file: string, name: string): string[] {
  const src = readFileSync(join(ROOT, file), "utf8");
  const body = new RegExp(`export const enum ${name} \\{([^}]*)\\}`).exec(src);
  assert.ok(body, `enum ${name} in ${file}`);
  return body[1]
    .split(/[,\n]/)
    .map((l) => l.replace(/\/\/.*$/, "").trim())
    .filter((l) => /^[A-Z]/.test(l))
    .map((l) => l.split(/\s*=/)[0]);
}

/** The entries from `first` on, `n` of them, all present. */
function group(first: string, n: number): string[] {
  const at = names.indexOf(first);
  assert.ok(at >= 0 && at + n <= names.length, `${first} and the ${n - 1} entries after it`);
  return names.slice(at, at + n);
}

test("groups read by index follow the order of what indexes them", () => {
  // ui/status.ts stateLabel: W.StateBooting + DeviceState.
  const states = enumMembers("assembly/device_state.ts", "DeviceState");
  assert.deepEqual(group("StateBooting", states.length), states.map((s) => "State" + s));
  // ui/messages.ts actionFailureWords: W.FailTimeout + Failure - Failure.Timeout.
  const failures = enumMembers("assembly/actions/exchange.ts", "Failure").filter((f) => f !== "None");
  assert.equal(failures[0], "Timeout");
  assert.deepEqual(group("FailTimeout", failures.length), failures.map((f) => "Fail" + f));
  // ui/speech.ts: digits, the spelling alphabet, URL punctuation.
  assert.deepEqual(group("Digit0", 10).map(text), "zero one two three four five six seven eight nine".split(" "));
  group("IcaoA", 26).forEach((n, i) => {
    const letter = String.fromCharCode(0x41 + i);
    assert.equal(n, "Icao" + letter);
    assert.equal(text(n)[0], letter.toLowerCase(), `${n} starts with its letter`);
  });
  const speech = readFileSync(join(ROOT, "assembly", "ui", "speech.ts"), "utf8");
  const symbols = /const SYMBOLS = "([^"]+)"/.exec(speech);
  assert.ok(symbols, "SYMBOLS in speech.ts");
  assert.deepEqual(group("SymbolDot", symbols[1].length).map(text),
    ["dot", "slash", "colon", "dash", "underscore", "question mark", "equals", "and", "percent", "hash", "tilde", "at", "plus"]);
  assert.equal(symbols[1], "./:-_?=&%#~@+");
  // ui/messages.ts faultWords: W.Fault1xx + hundred - 1.
  assert.deepEqual(group("Fault1xx", 5), ["Fault1xx", "Fault2xx", "Fault3xx", "Fault4xx", "Fault5xx"]);
});

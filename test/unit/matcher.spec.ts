// The action matcher beyond English: case folding without Unicode tables
// (Latin-1, Latin Extended-A, Greek, Cyrillic), scripts without case
// (Korean, Japanese) matched as written, slots filled with text as spoken.
import { test, expect, expectEq, report } from "./harness";
import { ActionTable, Match } from "../../assembly/actions/table";
import { parseActionTable, actionTableError } from "./fakes";
import { match } from "../../assembly/actions/match";
import { normalizeWords } from "../../assembly/actions/words";
import { foldChar, foldCase, asciiLower } from "../../assembly/text/case";

const TABLE = `{
  "version": 1,
  "actions": [
    { "name": "WeatherKo", "parameters": { "city": "TEXT" },
      "patterns": ["오늘 날씨 어때", "{city} 날씨 알려줘"] },
    { "name": "MusicJa", "patterns": ["音楽 を かけて", "音楽をかけて"] },
    { "name": "OrderRu", "parameters": { "n": "NUMBER" },
      "patterns": ["Где мой заказ {n}", "статус заказа {n}"] },
    { "name": "CafeFr", "patterns": ["Où est le CAFÉ"] },
    { "name": "GreekHello", "patterns": ["ΚΑΛΗΜΕΡΑ ΣΑΣ"] },
    { "name": "Cities", "parameters": { "name": "TEXT" }, "patterns": ["go to {name} now"] }
  ]
}`;

let table: ActionTable | null = null;

function t(): ActionTable {
  if (table === null) table = parseActionTable(TABLE);
  return table === null ? new ActionTable() : table!;
}

function expectAction(u: string, action: string): Match | null {
  const m = match(t(), u);
  if (m === null) {
    expect(false, "\"" + u + "\" should match " + action);
    return null;
  }
  expectEq<string>(m.actionName, action, "action for \"" + u + "\"");
  return m;
}

test("the table with Korean, Japanese, Russian, French and Greek patterns loads", () => {
  expect(t().actions.length == 6, "loaded: " + actionTableError());
});

test("Korean: no case, matched as written; a TEXT slot keeps the words as spoken", () => {
  expectAction("오늘 날씨 어때?", "WeatherKo");
  const m = expectAction("서울 날씨 알려줘", "WeatherKo");
  if (m !== null) expectEq<string>(m.param("city")!, "서울", "city");
  expect(match(t(), "내일 날씨 어때") === null, "a different word does not match");
});

test("Japanese: matched as written, with and without spaces between words", () => {
  expectAction("音楽 を かけて", "MusicJa");
  expectAction("音楽をかけて。", "MusicJa");
  expect(match(t(), "音楽を止めて") === null, "another request does not match");
});

test("Russian: upper and lower case fold together; a NUMBER slot takes spoken digits", () => {
  let m = expectAction("где мой заказ 12345", "OrderRu");
  if (m !== null) expectEq<string>(m.param("n")!, "12345", "digits");
  m = expectAction("ГДЕ МОЙ ЗАКАЗ 7", "OrderRu");
  if (m !== null) expectEq<string>(m.param("n")!, "7", "upper case");
  expectAction("Статус Заказа 42", "OrderRu");
  expect(match(t(), "где мой заказ") === null, "the number is needed");
});

test("Latin-1 and Greek fold; final sigma equals sigma", () => {
  expectAction("où est le café", "CafeFr");
  expectAction("OÙ EST LE CAFÉ?", "CafeFr");
  expectAction("καλημερα σας", "GreekHello");
  expect(match(t(), "Καλημέρα σας") === null, "an accented vowel is a different letter");
});

test("TEXT slots keep the case and script of what was said", () => {
  const m = expectAction("Go to Санкт-Петербург now", "Cities");
  if (m !== null) expectEq<string>(m.param("name")!, "Санкт Петербург", "hyphen splits, case kept");
});

test("foldChar: the mappings, and nothing else changes", () => {
  expectEq<i32>(foldChar(0x41), 0x61, "A");
  expectEq<i32>(foldChar(0x5a), 0x7a, "Z");
  expectEq<i32>(foldChar(0x40), 0x40, "@ stays");
  expectEq<i32>(foldChar(0x5b), 0x5b, "[ stays");
  expectEq<i32>(foldChar(0xc9), 0xe9, "É");
  expectEq<i32>(foldChar(0xd7), 0xd7, "× stays");
  expectEq<i32>(foldChar(0xdf), 0xdf, "ß stays");
  expectEq<i32>(foldChar(0x100), 0x101, "Ā");
  expectEq<i32>(foldChar(0x141), 0x142, "Ł");
  expectEq<i32>(foldChar(0x178), 0xff, "Ÿ");
  expectEq<i32>(foldChar(0x17d), 0x17e, "Ž");
  expectEq<i32>(foldChar(0x391), 0x3b1, "Α");
  expectEq<i32>(foldChar(0x3a3), 0x3c3, "Σ");
  expectEq<i32>(foldChar(0x3c2), 0x3c3, "ς");
  expectEq<i32>(foldChar(0x388), 0x3ad, "Έ");
  expectEq<i32>(foldChar(0x410), 0x430, "А");
  expectEq<i32>(foldChar(0x42f), 0x44f, "Я");
  expectEq<i32>(foldChar(0x401), 0x451, "Ё");
  expectEq<i32>(foldChar(0x490), 0x491, "Ґ");
  expectEq<i32>(foldChar(0xac00), 0xac00, "가 stays");
  expectEq<i32>(foldChar(0x3042), 0x3042, "あ stays");
  expectEq<i32>(foldChar(0xd83d), 0xd83d, "a surrogate stays");
  // Every lower-case letter of these blocks is its own fold.
  let bad = 0;
  for (let c = 0x61; c <= 0x7a; c++) if (foldChar(c) != c) bad++;
  for (let c = 0x430; c <= 0x45f; c++) if (foldChar(c) != c) bad++;
  for (let c = 0x3b1; c <= 0x3c9; c++) if (c != 0x3c2 && foldChar(c) != c) bad++;
  expectEq<i32>(bad, 0, "lower case maps to itself");
  // Folding twice changes nothing more.
  let unstable = 0;
  for (let c = 0; c < 0x600; c++) if (foldChar(foldChar(c)) != foldChar(c)) unstable++;
  expectEq<i32>(unstable, 0, "folding is idempotent");
});

test("foldCase and asciiLower", () => {
  expectEq<string>(foldCase("ÉTÉ Привет ΟΔΟΣ 서울"), "été привет οδοσ 서울", "whole strings");
  const same = "already lower";
  expect(changetype<usize>(foldCase(same)) == changetype<usize>(same), "an unchanged string is not copied");
  expectEq<string>(asciiLower("HTTPS://Ex.COM/Ü"), "https://ex.com/Ü", "ASCII only");
  expectEq<string>(normalizeWords("ПРИВЕТ, Мир!").join("|"), "привет|мир", "normalizeWords folds Cyrillic");
});

report();

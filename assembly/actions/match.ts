// Matching an utterance against the action table (actions/table.ts loads
// it): the most specific pattern wins, ties go to the first.
//
// Pure logic: no board access, never traps on bad input.

import { MAX_PARAMS_PER_ACTION, PARAM_NUMBER } from "./table";
import { ActionDef, ActionTable, Match, Pattern, isSlot, wordIndex } from "./model";
import { MAX_UTTERANCE_CHARS, MAX_UTTERANCE_WORDS, foldedUnits, rawUnits, splitWords, wordEnd, wordIs, wordStart, isDigit } from "./words";

// ---------------------------------------------------------------------------
// Matching
//
// Works on the scratch words of splitWords: the search allocates nothing;
// only the winning pattern's parameters become strings, in one Match.

const SPOKEN_DIGITS: StaticArray<string> = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

const ALL_DIGITS: i32 = -2;
const NOT_A_NUMBER: i32 = -1;

/**
 * What word i stands for in a NUMBER slot: ALL_DIGITS for "7" or "12345",
 * 0–9 for a spoken digit ("seven", "oh" for 0), NOT_A_NUMBER otherwise.
 */
function digitOf(i: i32): i32 {
  const start = unchecked(wordStart[i]);
  const end = unchecked(wordEnd[i]);
  let all = end > start;
  for (let k = start; k < end && all; k++) all = isDigit(unchecked(foldedUnits[k]));
  if (all) return ALL_DIGITS;
  if (wordIs(i, "oh")) return 0;
  for (let d = 0; d < SPOKEN_DIGITS.length; d++) {
    if (wordIs(i, unchecked(SPOKEN_DIGITS[d]))) return d;
  }
  return NOT_A_NUMBER;
}

// Slot captures of the pattern being tried: after a match, each of its
// slots holds the words [slotStart, slotEnd) of its last successful capture.
const slotStart = new StaticArray<i32>(MAX_PARAMS_PER_ACTION);
const slotEnd = new StaticArray<i32>(MAX_PARAMS_PER_ACTION);

// The table and action being matched.
let matchWords: Array<string> = [];
let matchNumberSlots: i32 = 0;

/** Whether tokens[pi..] match words [ui, n), filling slotStart/slotEnd. */
function matchFrom(toks: StaticArray<i32>, pi: i32, ui: i32, n: i32): bool {
  if (pi == toks.length) return ui == n;
  const t = unchecked(toks[pi]);
  if (!isSlot(t)) {
    return ui < n && wordIs(ui, unchecked(matchWords[wordIndex(t)])) && matchFrom(toks, pi + 1, ui + 1, n);
  }
  const isNumber = ((matchNumberSlots >> t) & 1) != 0;
  const last = pi + 1 == toks.length;
  // After a slot comes a word (two slots are never adjacent).
  const nextWord = last ? "" : unchecked(matchWords[wordIndex(unchecked(toks[pi + 1]))]);
  // Shortest capture first; a slot is one or more words.
  for (let end = ui + 1; end <= n; end++) {
    if (isNumber && digitOf(end - 1) == NOT_A_NUMBER) break;
    if (last ? end != n : end == n || !wordIs(end, nextWord)) continue;
    unchecked(slotStart[t] = ui);
    unchecked(slotEnd[t] = end);
    if (matchFrom(toks, pi + 1, end, n)) return true;
  }
  return false;
}

/**
 * The value of the captured words [start, end), written at `out` unless it
 * is 0; returns its length in code units. NUMBER: the digits (a word of
 * digits as written, a spoken digit as its digit). TEXT: the words as
 * spoken, joined by one space.
 */
function writeSlot(start: i32, end: i32, isNumber: bool, out: usize): i32 {
  let len = 0;
  for (let i = start; i < end; i++) {
    if (isNumber) {
      const d = digitOf(i);
      if (d != ALL_DIGITS) {
        len = putUnit(out, len, 0x30 + d);
        continue;
      }
    } else if (i > start) {
      len = putUnit(out, len, 0x20);
    }
    // Digits do not fold, so the units as written serve both kinds.
    const ws = unchecked(wordStart[i]);
    const wl = unchecked(wordEnd[i]) - ws;
    if (out != 0) memory.copy(out + (<usize>len << 1), changetype<usize>(rawUnits) + (<usize>ws << 1), <usize>wl << 1);
    len += wl;
  }
  return len;
}

/** Writes code unit c at index `at` of `out` (unless 0); returns at + 1. */
function putUnit(out: usize, at: i32, c: i32): i32 {
  if (out != 0) store<u16>(out + (<usize>at << 1), c);
  return at + 1;
}

function slotValue(start: i32, end: i32, isNumber: bool): string {
  const len = writeSlot(start, end, isNumber, 0);
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  writeSlot(start, end, isNumber, changetype<usize>(out));
  return out;
}

/**
 * Resolves an utterance against the table: the matching pattern with the
 * most literal words wins; on a tie, the one that comes first in the table.
 * Null when nothing matches (or the utterance is empty or too long).
 */
export function match(table: ActionTable, utterance: string): Match | null {
  if (utterance.length > MAX_UTTERANCE_CHARS) return null;
  const n = splitWords(utterance, MAX_UTTERANCE_WORDS, 0, utterance.length);
  if (n == 0 || n > MAX_UTTERANCE_WORDS) return null;
  let bestAction: ActionDef | null = null;
  let bestPattern: Pattern | null = null;
  let bestLiterals = -1;
  const actions = table.actions;
  matchWords = table.words;
  for (let a = 0; a < actions.length; a++) {
    const action = unchecked(actions[a]);
    matchNumberSlots = action.numberSlots;
    const patterns = action.patterns;
    for (let p = 0; p < patterns.length; p++) {
      const pattern = unchecked(patterns[p]);
      if (pattern.literals <= bestLiterals || pattern.literals > n) continue;
      // Cheap refusal: a pattern that starts with a word needs it first.
      const first = unchecked(pattern.tokens[0]);
      if (!isSlot(first) && !wordIs(0, unchecked(matchWords[wordIndex(first)]))) continue;
      if (!matchFrom(pattern.tokens, 0, 0, n)) continue;
      bestAction = action;
      bestPattern = pattern;
      bestLiterals = pattern.literals;
    }
  }
  if (bestAction === null || bestPattern === null) return null;
  // The winner is matched once more, alone: its captures are then in the
  // slots it has, and the others are -1.
  for (let k = 0; k < MAX_PARAMS_PER_ACTION; k++) unchecked(slotStart[k] = -1);
  matchNumberSlots = bestAction.numberSlots;
  matchFrom(bestPattern.tokens, 0, 0, n);
  const m = new Match();
  m.actionName = bestAction.name;
  m.local = bestAction.local;
  for (let k = 0; k < bestAction.paramNames.length; k++) {
    const s = unchecked(slotStart[k]);
    if (s < 0) continue;
    const isNumber = ((bestAction.numberSlots >> k) & 1) != 0;
    m.add(bestAction.paramNames[k], bestAction.paramTypes[k], slotValue(s, unchecked(slotEnd[k]), isNumber));
  }
  return m;
}

// The play's action table: spoken utterances to backend actions.
//
// The table is data (config/actions.json, format in config/README.md). This
// module checks it strictly, since a table that loads but silently matches
// nothing is worse than one that is refused with a clear message, and then
// matches utterances from the board's voice front end against it.
//
// Pure logic: no board access, never traps on bad input.

import { parseJson, JsonKind, JsonValue } from "../net/json";
import { foldChar } from "../text/case";

export const TABLE_FORMAT_VERSION: i32 = 1;
export const MAX_ACTIONS: i32 = 64;
export const MAX_PATTERNS_PER_ACTION: i32 = 32;
export const MAX_PARAMS_PER_ACTION: i32 = 8;
export const MAX_SLOTS_PER_PATTERN: i32 = 4;
export const MAX_PATTERN_CHARS: i32 = 200;
export const MAX_UTTERANCE_CHARS: i32 = 500;
export const MAX_UTTERANCE_WORDS: i32 = 48;

/** Parameter types a slot can have. */
export const PARAM_NUMBER = "NUMBER";
export const PARAM_TEXT = "TEXT";

/** Local actions the firmware performs itself, without a backend request. */
export const LOCAL_UNLINK = "unlink";

// ---------------------------------------------------------------------------
// Table model

// Kept flat, so that the table is a few hundred bytes in few objects (the
// collector visits every live object at the end of each entry): a
// pattern's tokens are integers, and each distinct word is one string in
// the table's word list.

/** A token: a slot (≥ 0, the index of the action's parameter) or a word (see wordToken). */
export function isSlot(token: i32): bool {
  return token >= 0;
}

/** The token of word `index` in ActionTable.words. */
export function wordToken(index: i32): i32 {
  return -1 - index;
}

/** The index in ActionTable.words of a word token. */
export function wordIndex(token: i32): i32 {
  return -1 - token;
}

export class Pattern {
  source: string = "";
  /** Slots and words in order (isSlot, wordIndex). */
  tokens: StaticArray<i32> = new StaticArray<i32>(0);
  /** Number of literal words: the pattern's specificity. */
  literals: i32 = 0;
}

export class ActionDef {
  name: string = "";
  /** "" for a backend action, otherwise the local operation ("unlink"). */
  local: string = "";
  paramNames: Array<string> = [];
  paramTypes: Array<string> = [];
  /** Bit k set: parameter k is a NUMBER. */
  numberSlots: i32 = 0;
  patterns: Array<Pattern> = [];
}

export class ActionTable {
  version: i32 = TABLE_FORMAT_VERSION;
  actions: Array<ActionDef> = [];
  /** Every distinct normalized word of the patterns, once. */
  words: Array<string> = [];

  /** The action with this exact name, or null. */
  find(name: string): ActionDef | null {
    for (let i = 0; i < this.actions.length; i++) {
      if (this.actions[i].name == name) return this.actions[i];
    }
    return null;
  }
}

export class ActionTableResult {
  table: ActionTable | null = null;
  error: string = "";
}

/** What an utterance resolved to. Parameters are those the matched pattern filled. */
export class Match {
  actionName: string = "";
  local: string = "";
  paramNames: Array<string> = [];
  paramTypes: Array<string> = [];
  paramValues: Array<string> = [];
  /** The pattern as written in the table, for logs. */
  pattern: string = "";

  /** Value of a filled parameter, or null. */
  param(name: string): string | null {
    for (let i = 0; i < this.paramNames.length; i++) {
      if (this.paramNames[i] == name) return this.paramValues[i];
    }
    return null;
  }
}

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

function isDigit(c: i32): bool {
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
let foldedUnits = new StaticArray<u16>(MAX_UTTERANCE_CHARS);
/** The same units as written (parameter values keep their case). */
let rawUnits = new StaticArray<u16>(MAX_UTTERANCE_CHARS);
/** Word i is units [wordStart[i], wordEnd[i]). */
let wordStart = new StaticArray<i32>(MAX_UTTERANCE_WORDS + 1);
let wordEnd = new StaticArray<i32>(MAX_UTTERANCE_WORDS + 1);

/**
 * Splits `text` into the scratch buffers; returns the word count, or
 * maxWords + 1 as soon as there are more than maxWords words.
 */
function splitWords(text: string, maxWords: i32, from: i32 = 0, to: i32 = -1): i32 {
  const n = to < 0 ? text.length : to;
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

/** Word i of the last split as a new string, folded or as written. */
function wordString(i: i32, folded: bool): string {
  const start = unchecked(wordStart[i]);
  return unitsString(folded ? foldedUnits : rawUnits, start, unchecked(wordEnd[i]));
}

function unitsString(units: StaticArray<u16>, start: i32, end: i32): string {
  const len = end - start;
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  memory.copy(changetype<usize>(out), changetype<usize>(units) + (<usize>start << 1), <usize>len << 1);
  return out;
}

/** Whether word i of the last split (folded) is exactly `w`. */
function wordIs(i: i32, w: string): bool {
  const start = unchecked(wordStart[i]);
  const len = unchecked(wordEnd[i]) - start;
  if (len != w.length) return false;
  return memory.compare(changetype<usize>(foldedUnits) + (<usize>start << 1), changetype<usize>(w), <usize>len << 1) == 0;
}

/** The normalized words of a text, as the matcher sees them. */
export function normalizeWords(text: string): Array<string> {
  const n = splitWords(text, text.length);
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = wordString(i, true);
  return out;
}

// ---------------------------------------------------------------------------
// Parsing the table

function isIdentStart(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
}

function isIdent(s: string, maxLen: i32): bool {
  if (s.length == 0 || s.length > maxLen) return false;
  if (!isIdentStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isIdentStart(c) && !isDigit(c)) return false;
  }
  return true;
}

function isActionName(s: string): bool {
  // Used as a URL path segment: a letter, then letters, digits or '_'.
  if (!isIdent(s, 64)) return false;
  return s.charCodeAt(0) != 0x5f;
}

/** The reason a table was refused; the message is built only on failure. */
class TableError {
  message: string = "";

  atAction(index: i32, what: string): void {
    this.message = "action " + (index + 1).toString() + ": " + what;
  }

  inAction(name: string, what: string): void {
    this.message = "action \"" + name + "\": " + what;
  }

  inPattern(name: string, src: string, what: string): void {
    this.message = "action \"" + name + "\" pattern \"" + src + "\": " + what;
  }
}

/** The words of the table being loaded (set by loadActionTable). */
let tableWords: Array<string> = [];
/** The tokens of the pattern being parsed. */
const patternTokens = new Array<i32>();

/** Index of word i of the last split in tableWords, added when new. */
function internWord(i: i32): i32 {
  for (let k = 0; k < tableWords.length; k++) {
    if (wordIs(i, unchecked(tableWords[k]))) return k;
  }
  tableWords.push(wordString(i, true));
  return tableWords.length - 1;
}

/** The literal words of src[from, to) as tokens of the pattern being parsed; returns how many. */
function pushLiterals(src: string, from: i32, to: i32): i32 {
  const n = splitWords(src, to - from, from, to);
  for (let i = 0; i < n; i++) patternTokens.push(wordToken(internWord(i)));
  return n;
}

function parsePattern(src: string, action: ActionDef, err: TableError): Pattern | null {
  if (src.length > MAX_PATTERN_CHARS) {
    err.inPattern(action.name, src, "longer than " + MAX_PATTERN_CHARS.toString() + " characters");
    return null;
  }
  const p = new Pattern();
  p.source = src;
  patternTokens.length = 0;
  let textStart = 0;
  let i = 0;
  let slots = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c == 0x7d) {
      err.inPattern(action.name, src, "'}' without '{'");
      return null;
    }
    if (c != 0x7b) { i++; continue; }
    const close = src.indexOf("}", i + 1);
    if (close < 0) {
      err.inPattern(action.name, src, "'{' without '}'");
      return null;
    }
    p.literals += pushLiterals(src, textStart, i);
    const name = src.substring(i + 1, close);
    if (!isIdent(name, 64)) {
      err.inPattern(action.name, src, "bad slot name \"" + name + "\"");
      return null;
    }
    let index = -1;
    for (let k = 0; k < action.paramNames.length; k++) {
      if (action.paramNames[k] == name) index = k;
    }
    if (index < 0) {
      err.inPattern(action.name, src, "slot {" + name + "} is not declared in parameters");
      return null;
    }
    if (patternTokens.includes(index)) {
      err.inPattern(action.name, src, "slot {" + name + "} appears twice");
      return null;
    }
    const count = patternTokens.length;
    if (count > 0 && isSlot(patternTokens[count - 1])) {
      err.inPattern(action.name, src, "two slots need a word between them");
      return null;
    }
    patternTokens.push(index);
    slots++;
    i = close + 1;
    textStart = i;
  }
  p.literals += pushLiterals(src, textStart, src.length);
  if (slots > MAX_SLOTS_PER_PATTERN) {
    err.inPattern(action.name, src, "more than " + MAX_SLOTS_PER_PATTERN.toString() + " slots");
    return null;
  }
  if (p.literals == 0) {
    err.inPattern(action.name, src, "needs at least one word besides slots");
    return null;
  }
  const tokens = new StaticArray<i32>(patternTokens.length);
  for (let k = 0; k < tokens.length; k++) tokens[k] = patternTokens[k];
  p.tokens = tokens;
  return p;
}

/**
 * Whether two patterns say the same thing: the same words in the same
 * places, and slots of the same type where the other has a slot.
 */
function samePattern(p: Pattern, a: ActionDef, q: Pattern, b: ActionDef): bool {
  if (p.tokens.length != q.tokens.length || p.literals != q.literals) return false;
  for (let i = 0; i < p.tokens.length; i++) {
    const s = p.tokens[i];
    const t = q.tokens[i];
    if (isSlot(s) != isSlot(t)) return false;
    if (!isSlot(s)) {
      if (s != t) return false; // one string per distinct word
    } else if (((a.numberSlots >> s) & 1) != ((b.numberSlots >> t) & 1)) return false;
  }
  return true;
}

function parseAction(v: JsonValue, index: i32, err: TableError): ActionDef | null {
  if (v.kind != JsonKind.Object) {
    err.atAction(index, "not an object");
    return null;
  }
  const a = new ActionDef();
  const nameV = v.get("name");
  if (nameV === null) { err.atAction(index, "missing \"name\""); return null; }
  if (nameV.kind != JsonKind.String) { err.atAction(index, "\"name\" is not a string"); return null; }
  if (!isActionName(nameV.str)) {
    err.atAction(index, "name \"" + nameV.str + "\" must be a letter then letters, digits or '_' (at most 64)");
    return null;
  }
  a.name = nameV.str;

  const localV = v.get("local");
  if (localV !== null && localV.kind != JsonKind.Null) {
    if (localV.kind != JsonKind.String) { err.inAction(a.name, "\"local\" is not a string"); return null; }
    if (localV.str != LOCAL_UNLINK) {
      err.inAction(a.name, "unknown local action \"" + localV.str + "\" (known: " + LOCAL_UNLINK + ")");
      return null;
    }
    a.local = localV.str;
  }

  const paramsV = v.get("parameters");
  if (paramsV !== null && paramsV.kind != JsonKind.Null) {
    if (paramsV.kind != JsonKind.Object) { err.inAction(a.name, "\"parameters\" is not an object"); return null; }
    if (paramsV.keys.length > MAX_PARAMS_PER_ACTION) {
      err.inAction(a.name, "more than " + MAX_PARAMS_PER_ACTION.toString() + " parameters");
      return null;
    }
    for (let i = 0; i < paramsV.keys.length; i++) {
      const pname = paramsV.keys[i];
      const ptype = paramsV.items[i];
      if (!isIdent(pname, 64)) { err.inAction(a.name, "bad parameter name \"" + pname + "\""); return null; }
      if (a.paramNames.includes(pname)) { err.inAction(a.name, "parameter \"" + pname + "\" declared twice"); return null; }
      if (ptype.kind != JsonKind.String) {
        err.inAction(a.name, "type of parameter \"" + pname + "\" is not a string");
        return null;
      }
      if (ptype.str != PARAM_NUMBER && ptype.str != PARAM_TEXT) {
        err.inAction(a.name, "parameter \"" + pname + "\" has unknown type \"" + ptype.str + "\" (known: NUMBER, TEXT)");
        return null;
      }
      if (ptype.str == PARAM_NUMBER) a.numberSlots |= 1 << a.paramNames.length;
      a.paramNames.push(pname);
      a.paramTypes.push(ptype.str);
    }
  }

  const patsV = v.get("patterns");
  if (patsV === null) { err.inAction(a.name, "missing \"patterns\""); return null; }
  if (patsV.kind != JsonKind.Array) { err.inAction(a.name, "\"patterns\" is not an array"); return null; }
  if (patsV.items.length == 0) { err.inAction(a.name, "\"patterns\" is empty"); return null; }
  if (patsV.items.length > MAX_PATTERNS_PER_ACTION) {
    err.inAction(a.name, "more than " + MAX_PATTERNS_PER_ACTION.toString() + " patterns");
    return null;
  }
  for (let i = 0; i < patsV.items.length; i++) {
    const pv = patsV.items[i];
    if (pv.kind != JsonKind.String) {
      err.inAction(a.name, "pattern " + (i + 1).toString() + " is not a string");
      return null;
    }
    const p = parsePattern(pv.str, a, err);
    if (p === null) return null;
    a.patterns.push(p);
  }
  for (let k = 0; k < a.paramNames.length; k++) {
    let used = false;
    for (let i = 0; i < a.patterns.length && !used; i++) {
      const toks = a.patterns[i].tokens;
      for (let j = 0; j < toks.length; j++) if (toks[j] == k) used = true;
    }
    if (!used) {
      err.inAction(a.name, "parameter \"" + a.paramNames[k] + "\" is used by no pattern");
      return null;
    }
  }
  return a;
}

/** Parses and checks an action table. Never traps; on failure `error` says why. */
export function loadActionTable(json: string): ActionTableResult {
  const result = new ActionTableResult();
  const parsed = parseJson(json);
  const root = parsed.value;
  if (root === null) {
    result.error = "action table is not valid JSON: " + parsed.error;
    return result;
  }
  if (root.kind != JsonKind.Object) {
    result.error = "action table is not a JSON object";
    return result;
  }
  const ver = root.get("version");
  if (ver === null) { result.error = "action table has no \"version\""; return result; }
  if (ver.kind != JsonKind.Number || ver.num != <f64>TABLE_FORMAT_VERSION) {
    result.error = "action table version is not " + TABLE_FORMAT_VERSION.toString();
    return result;
  }
  const list = root.get("actions");
  if (list === null) { result.error = "action table has no \"actions\""; return result; }
  if (list.kind != JsonKind.Array) { result.error = "\"actions\" is not an array"; return result; }
  if (list.items.length == 0) { result.error = "\"actions\" is empty"; return result; }
  if (list.items.length > MAX_ACTIONS) {
    result.error = "more than " + MAX_ACTIONS.toString() + " actions";
    return result;
  }
  const table = new ActionTable();
  tableWords = table.words;
  const err = new TableError();
  for (let i = 0; i < list.items.length; i++) {
    const a = parseAction(list.items[i], i, err);
    if (a === null) {
      result.error = err.message;
      return result;
    }
    for (let k = 0; k < table.actions.length; k++) {
      if (sameAsciiCaseless(table.actions[k].name, a.name)) {
        result.error = "action \"" + a.name + "\" is defined twice";
        return result;
      }
    }
    // The same pattern twice, in this action or an earlier one: compared
    // in place (at most 64 × 32 patterns), no keys built.
    for (let k = 0; k < a.patterns.length; k++) {
      const p = a.patterns[k];
      for (let j = 0; j <= table.actions.length; j++) {
        const other = j < table.actions.length ? table.actions[j] : a;
        const upto = j < table.actions.length ? other.patterns.length : k;
        for (let q = 0; q < upto; q++) {
          if (!samePattern(p, a, other.patterns[q], other)) continue;
          result.error = "action \"" + a.name + "\" pattern \"" + p.source +
            "\" is the same as a pattern of action \"" + other.name + "\"";
          return result;
        }
      }
    }
    table.actions.push(a);
  }
  result.table = table;
  return result;
}

/** Action names are ASCII: compared without case, without a case table. */
function sameAsciiCaseless(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (foldChar(a.charCodeAt(i)) != foldChar(b.charCodeAt(i))) return false;
  }
  return true;
}

let lastError: string = "";

/** Parses an action table; null on failure, with the reason in actionTableError(). */
export function parseActionTable(json: string): ActionTable | null {
  const r = loadActionTable(json);
  lastError = r.error;
  return r.table;
}

/** Why the last parseActionTable call failed ("" when it succeeded). */
export function actionTableError(): string {
  return lastError;
}

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

// Slot captures of the pattern being tried, and of the best match so far.
const slotStart = new StaticArray<i32>(MAX_PARAMS_PER_ACTION);
const slotEnd = new StaticArray<i32>(MAX_PARAMS_PER_ACTION);
const bestStart = new StaticArray<i32>(MAX_PARAMS_PER_ACTION);
const bestEnd = new StaticArray<i32>(MAX_PARAMS_PER_ACTION);

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
    if (last && end != n) continue;
    if (!last && (end >= n || !wordIs(end, nextWord))) continue;
    unchecked(slotStart[t] = ui);
    unchecked(slotEnd[t] = end);
    if (matchFrom(toks, pi + 1, end, n)) return true;
  }
  unchecked(slotStart[t] = -1);
  unchecked(slotEnd[t] = -1);
  return false;
}

/** The value of a captured slot: digits for NUMBER, the words as spoken for TEXT. */
function slotValue(start: i32, end: i32, isNumber: bool): string {
  if (isNumber) {
    let len = 0;
    for (let i = start; i < end; i++) {
      const d = digitOf(i);
      len += d == ALL_DIGITS ? unchecked(wordEnd[i]) - unchecked(wordStart[i]) : 1;
    }
    const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
    let at: usize = changetype<usize>(out);
    for (let i = start; i < end; i++) {
      const d = digitOf(i);
      if (d == ALL_DIGITS) {
        const ws = unchecked(wordStart[i]);
        const wl = <usize>(unchecked(wordEnd[i]) - ws);
        memory.copy(at, changetype<usize>(foldedUnits) + (<usize>ws << 1), wl << 1);
        at += wl << 1;
      } else {
        store<u16>(at, <u16>(0x30 + d));
        at += 2;
      }
    }
    return out;
  }
  // Words joined by one space, as written.
  let len = end - start - 1;
  for (let i = start; i < end; i++) len += unchecked(wordEnd[i]) - unchecked(wordStart[i]);
  const out = changetype<string>(__new(<usize>len << 1, idof<string>()));
  let at: usize = changetype<usize>(out);
  for (let i = start; i < end; i++) {
    if (i > start) {
      store<u16>(at, 0x20);
      at += 2;
    }
    const ws = unchecked(wordStart[i]);
    const wl = <usize>(unchecked(wordEnd[i]) - ws);
    memory.copy(at, changetype<usize>(rawUnits) + (<usize>ws << 1), wl << 1);
    at += wl << 1;
  }
  return out;
}

/**
 * Resolves an utterance against the table: the matching pattern with the
 * most literal words wins; on a tie, the one that comes first in the table.
 * Null when nothing matches (or the utterance is empty or too long).
 */
export function match(table: ActionTable, utterance: string): Match | null {
  if (utterance.length > MAX_UTTERANCE_CHARS) return null;
  const n = splitWords(utterance, MAX_UTTERANCE_WORDS);
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
    const params = action.paramNames.length;
    for (let p = 0; p < patterns.length; p++) {
      const pattern = unchecked(patterns[p]);
      if (pattern.literals <= bestLiterals || pattern.literals > n) continue;
      // Cheap refusal: a pattern that starts with a word needs it first.
      const first = unchecked(pattern.tokens[0]);
      if (!isSlot(first) && !wordIs(0, unchecked(matchWords[wordIndex(first)]))) continue;
      for (let k = 0; k < params; k++) {
        unchecked(slotStart[k] = -1);
        unchecked(slotEnd[k] = -1);
      }
      if (!matchFrom(pattern.tokens, 0, 0, n)) continue;
      bestAction = action;
      bestPattern = pattern;
      bestLiterals = pattern.literals;
      for (let k = 0; k < params; k++) {
        unchecked(bestStart[k] = slotStart[k]);
        unchecked(bestEnd[k] = slotEnd[k]);
      }
    }
  }
  if (bestAction === null || bestPattern === null) return null;
  const m = new Match();
  m.actionName = bestAction.name;
  m.local = bestAction.local;
  m.pattern = bestPattern.source;
  for (let k = 0; k < bestAction.paramNames.length; k++) {
    const s = unchecked(bestStart[k]);
    if (s < 0) continue;
    const isNumber = ((bestAction.numberSlots >> k) & 1) != 0;
    m.paramNames.push(bestAction.paramNames[k]);
    m.paramTypes.push(bestAction.paramTypes[k]);
    m.paramValues.push(slotValue(s, unchecked(bestEnd[k]), isNumber));
  }
  return m;
}

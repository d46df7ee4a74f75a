// The play's action table: spoken utterances to backend actions.
//
// The table is data (config/actions.json, format in config/README.md). This
// module checks it strictly, since a table that loads but silently matches
// nothing is worse than one that is refused with a clear message, and then
// matches utterances from the board's voice front end against it.
//
// Pure logic: no board access, never traps on bad input.

import { parseJson, JsonKind, JsonValue } from "../net/json";

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

export class PatternToken {
  /** Index into the action's parameters for a slot, -1 for a literal word. */
  slot: i32 = -1;
  /** The normalized literal word (empty for a slot). */
  word: string = "";
}

export class Pattern {
  source: string = "";
  tokens: Array<PatternToken> = [];
  /** Number of literal words: the pattern's specificity. */
  literals: i32 = 0;
}

export class ActionDef {
  name: string = "";
  /** "" for a backend action, otherwise the local operation ("unlink"). */
  local: string = "";
  paramNames: Array<string> = [];
  paramTypes: Array<string> = [];
  patterns: Array<Pattern> = [];
}

export class ActionTable {
  version: i32 = TABLE_FORMAT_VERSION;
  actions: Array<ActionDef> = [];

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
// - ASCII letters are lowercased, other letters through String#toLowerCase.
// - Apostrophes are dropped inside words ("what's" -> "whats").
// - A comma between two digits is dropped ("1,234" -> "1234"); a period
//   between two digits stays ("12.5"), so it is not mistaken for digits.
// - Every other ASCII character that is not a letter or digit, and common
//   Unicode spaces and punctuation, separate words.

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

class Words {
  norm: Array<string> = [];
  raw: Array<string> = [];
}

function splitWords(text: string, out: Words): void {
  const n = text.length;
  let pieces = new Array<string>();
  let segStart = -1;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? text.charCodeAt(i) : 0x20;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    const next = i + 1 < n ? text.charCodeAt(i + 1) : 0;
    let kind = 0; // 0 separator, 1 word char, 2 dropped inside a word
    if (i < n) {
      if (isWordChar(c)) kind = 1;
      else if (isApostrophe(c)) kind = 2;
      else if (c == 0x2c && isDigit(prev) && isDigit(next) && segStart >= 0) kind = 2;
      else if (c == 0x2e && isDigit(prev) && isDigit(next) && segStart >= 0) kind = 1;
    }
    if (kind == 1) {
      if (segStart < 0) segStart = i;
    } else {
      if (segStart >= 0) {
        pieces.push(text.substring(segStart, i));
        segStart = -1;
      }
      if (kind == 0 && pieces.length > 0) {
        const raw = pieces.join("");
        out.raw.push(raw);
        out.norm.push(raw.toLowerCase());
        pieces = new Array<string>();
      }
    }
  }
}

/** The normalized words of a text, as the matcher sees them. */
export function normalizeWords(text: string): Array<string> {
  const w = new Words();
  splitWords(text, w);
  return w.norm;
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

class TableError {
  message: string = "";
}

function pushLiterals(text: string, p: Pattern): void {
  const words = normalizeWords(text);
  for (let i = 0; i < words.length; i++) {
    const t = new PatternToken();
    t.word = words[i];
    p.tokens.push(t);
    p.literals++;
  }
}

function parsePattern(src: string, action: ActionDef, err: TableError): Pattern | null {
  const where = "action \"" + action.name + "\" pattern \"" + src + "\": ";
  if (src.length > MAX_PATTERN_CHARS) {
    err.message = where + "longer than " + MAX_PATTERN_CHARS.toString() + " characters";
    return null;
  }
  const p = new Pattern();
  p.source = src;
  let textStart = 0;
  let i = 0;
  let slots = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c == 0x7d) {
      err.message = where + "'}' without '{'";
      return null;
    }
    if (c != 0x7b) { i++; continue; }
    const close = src.indexOf("}", i + 1);
    if (close < 0) {
      err.message = where + "'{' without '}'";
      return null;
    }
    pushLiterals(src.substring(textStart, i), p);
    const name = src.substring(i + 1, close);
    if (!isIdent(name, 64)) {
      err.message = where + "bad slot name \"" + name + "\"";
      return null;
    }
    let index = -1;
    for (let k = 0; k < action.paramNames.length; k++) {
      if (action.paramNames[k] == name) index = k;
    }
    if (index < 0) {
      err.message = where + "slot {" + name + "} is not declared in parameters";
      return null;
    }
    for (let k = 0; k < p.tokens.length; k++) {
      if (p.tokens[k].slot == index) {
        err.message = where + "slot {" + name + "} appears twice";
        return null;
      }
    }
    if (p.tokens.length > 0 && p.tokens[p.tokens.length - 1].slot >= 0) {
      err.message = where + "two slots need a word between them";
      return null;
    }
    const t = new PatternToken();
    t.slot = index;
    p.tokens.push(t);
    slots++;
    i = close + 1;
    textStart = i;
  }
  pushLiterals(src.substring(textStart), p);
  if (slots > MAX_SLOTS_PER_PATTERN) {
    err.message = where + "more than " + MAX_SLOTS_PER_PATTERN.toString() + " slots";
    return null;
  }
  if (p.literals == 0) {
    err.message = where + "needs at least one word besides slots";
    return null;
  }
  return p;
}

/** A key for spotting the same pattern twice: words, and slots by type. */
function signature(p: Pattern, a: ActionDef): string {
  const parts = new Array<string>();
  for (let i = 0; i < p.tokens.length; i++) {
    const t = p.tokens[i];
    parts.push(t.slot < 0 ? t.word : "{" + a.paramTypes[t.slot] + "}");
  }
  return parts.join(" ");
}

function parseAction(v: JsonValue, index: i32, err: TableError): ActionDef | null {
  const at = "action " + (index + 1).toString();
  if (v.kind != JsonKind.Object) {
    err.message = at + ": not an object";
    return null;
  }
  const a = new ActionDef();
  const nameV = v.get("name");
  if (nameV === null) { err.message = at + ": missing \"name\""; return null; }
  if (nameV.kind != JsonKind.String) { err.message = at + ": \"name\" is not a string"; return null; }
  if (!isActionName(nameV.str)) {
    err.message = at + ": name \"" + nameV.str + "\" must be a letter then letters, digits or '_' (at most 64)";
    return null;
  }
  a.name = nameV.str;
  const here = "action \"" + a.name + "\": ";

  const localV = v.get("local");
  if (localV !== null && localV.kind != JsonKind.Null) {
    if (localV.kind != JsonKind.String) { err.message = here + "\"local\" is not a string"; return null; }
    if (localV.str != LOCAL_UNLINK) {
      err.message = here + "unknown local action \"" + localV.str + "\" (known: " + LOCAL_UNLINK + ")";
      return null;
    }
    a.local = localV.str;
  }

  const paramsV = v.get("parameters");
  if (paramsV !== null && paramsV.kind != JsonKind.Null) {
    if (paramsV.kind != JsonKind.Object) { err.message = here + "\"parameters\" is not an object"; return null; }
    if (paramsV.keys.length > MAX_PARAMS_PER_ACTION) {
      err.message = here + "more than " + MAX_PARAMS_PER_ACTION.toString() + " parameters";
      return null;
    }
    for (let i = 0; i < paramsV.keys.length; i++) {
      const pname = paramsV.keys[i];
      const ptype = paramsV.items[i];
      if (!isIdent(pname, 64)) { err.message = here + "bad parameter name \"" + pname + "\""; return null; }
      if (a.paramNames.includes(pname)) { err.message = here + "parameter \"" + pname + "\" declared twice"; return null; }
      if (ptype.kind != JsonKind.String) {
        err.message = here + "type of parameter \"" + pname + "\" is not a string";
        return null;
      }
      if (ptype.str != PARAM_NUMBER && ptype.str != PARAM_TEXT) {
        err.message = here + "parameter \"" + pname + "\" has unknown type \"" + ptype.str + "\" (known: NUMBER, TEXT)";
        return null;
      }
      a.paramNames.push(pname);
      a.paramTypes.push(ptype.str);
    }
  }

  const patsV = v.get("patterns");
  if (patsV === null) { err.message = here + "missing \"patterns\""; return null; }
  if (patsV.kind != JsonKind.Array) { err.message = here + "\"patterns\" is not an array"; return null; }
  if (patsV.items.length == 0) { err.message = here + "\"patterns\" is empty"; return null; }
  if (patsV.items.length > MAX_PATTERNS_PER_ACTION) {
    err.message = here + "more than " + MAX_PATTERNS_PER_ACTION.toString() + " patterns";
    return null;
  }
  for (let i = 0; i < patsV.items.length; i++) {
    const pv = patsV.items[i];
    if (pv.kind != JsonKind.String) {
      err.message = here + "pattern " + (i + 1).toString() + " is not a string";
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
      for (let j = 0; j < toks.length; j++) if (toks[j].slot == k) used = true;
    }
    if (!used) {
      err.message = here + "parameter \"" + a.paramNames[k] + "\" is used by no pattern";
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
  const err = new TableError();
  const sigs = new Map<string, string>();
  for (let i = 0; i < list.items.length; i++) {
    const a = parseAction(list.items[i], i, err);
    if (a === null) {
      result.error = err.message;
      return result;
    }
    for (let k = 0; k < table.actions.length; k++) {
      if (table.actions[k].name.toLowerCase() == a.name.toLowerCase()) {
        result.error = "action \"" + a.name + "\" is defined twice";
        return result;
      }
    }
    for (let k = 0; k < a.patterns.length; k++) {
      const sig = signature(a.patterns[k], a);
      if (sigs.has(sig)) {
        result.error = "action \"" + a.name + "\" pattern \"" + a.patterns[k].source +
          "\" is the same as a pattern of action \"" + sigs.get(sig) + "\"";
        return result;
      }
      sigs.set(sig, a.name);
    }
    table.actions.push(a);
  }
  result.table = table;
  return result;
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

const SPOKEN_DIGITS: Array<string> = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/** The digit a word stands for: "7" -> "7", "seven" -> "7", "oh" -> "0"; "" if none. */
function digitsOf(word: string): string {
  let all = word.length > 0;
  for (let i = 0; i < word.length && all; i++) all = isDigit(word.charCodeAt(i));
  if (all) return word;
  if (word == "oh") return "0";
  for (let d = 0; d < SPOKEN_DIGITS.length; d++) {
    if (SPOKEN_DIGITS[d] == word) return d.toString();
  }
  return "";
}

class Matcher {
  starts: Array<i32>;
  ends: Array<i32>;

  constructor(public words: Words, public action: ActionDef, public pattern: Pattern) {
    const n = action.paramNames.length;
    this.starts = new Array<i32>(n).fill(-1);
    this.ends = new Array<i32>(n).fill(-1);
  }

  run(pi: i32, ui: i32): bool {
    const toks = this.pattern.tokens;
    const n = this.words.norm.length;
    if (pi == toks.length) return ui == n;
    const t = toks[pi];
    if (t.slot < 0) {
      return ui < n && this.words.norm[ui] == t.word && this.run(pi + 1, ui + 1);
    }
    const isNumber = this.action.paramTypes[t.slot] == PARAM_NUMBER;
    const last = pi + 1 == toks.length;
    // Shortest capture first; a slot is one or more words.
    for (let end = ui + 1; end <= n; end++) {
      if (isNumber && digitsOf(this.words.norm[end - 1]).length == 0) break;
      if (last && end != n) continue;
      if (!last && (end >= n || this.words.norm[end] != toks[pi + 1].word)) continue;
      this.starts[t.slot] = ui;
      this.ends[t.slot] = end;
      if (this.run(pi + 1, end)) return true;
    }
    this.starts[t.slot] = -1;
    this.ends[t.slot] = -1;
    return false;
  }

  toMatch(): Match {
    const m = new Match();
    m.actionName = this.action.name;
    m.local = this.action.local;
    m.pattern = this.pattern.source;
    for (let k = 0; k < this.action.paramNames.length; k++) {
      const s = this.starts[k];
      if (s < 0) continue;
      const e = this.ends[k];
      const parts = new Array<string>();
      const isNumber = this.action.paramTypes[k] == PARAM_NUMBER;
      for (let i = s; i < e; i++) {
        parts.push(isNumber ? digitsOf(this.words.norm[i]) : this.words.raw[i]);
      }
      m.paramNames.push(this.action.paramNames[k]);
      m.paramTypes.push(this.action.paramTypes[k]);
      m.paramValues.push(parts.join(isNumber ? "" : " "));
    }
    return m;
  }
}

/**
 * Resolves an utterance against the table: the matching pattern with the
 * most literal words wins; on a tie, the one that comes first in the table.
 * Null when nothing matches (or the utterance is empty or too long).
 */
export function match(table: ActionTable, utterance: string): Match | null {
  if (utterance.length > MAX_UTTERANCE_CHARS) return null;
  const words = new Words();
  splitWords(utterance, words);
  const n = words.norm.length;
  if (n == 0 || n > MAX_UTTERANCE_WORDS) return null;
  let best: Match | null = null;
  let bestLiterals = -1;
  for (let a = 0; a < table.actions.length; a++) {
    const action = table.actions[a];
    for (let p = 0; p < action.patterns.length; p++) {
      const pattern = action.patterns[p];
      if (pattern.literals <= bestLiterals || pattern.literals > n) continue;
      const m = new Matcher(words, action, pattern);
      if (m.run(0, 0)) {
        best = m.toMatch();
        bestLiterals = pattern.literals;
      }
    }
  }
  return best;
}

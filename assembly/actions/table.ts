// The play's action table: spoken utterances to backend actions.
//
// The table is data (config/actions.json, format in config/README.md). This
// module checks it strictly, since a table that loads but silently matches
// nothing is worse than one that is refused with a clear message, and then
// matches utterances from the board's voice front end against it
// (actions/match.ts; the words both see are made by actions/words.ts).
//
// Pure logic: no board access, never traps on bad input.

import { parseJson, JsonKind, JsonValue } from "../net/json";
import { foldChar } from "../text/case";
import { isDigit, splitWords, wordIs, wordString } from "./words";

export const MAX_ACTIONS: i32 = 64;
export const MAX_PATTERNS_PER_ACTION: i32 = 32;
export const MAX_PARAMS_PER_ACTION: i32 = 8;
export const MAX_SLOTS_PER_PATTERN: i32 = 4;
export const MAX_PATTERN_CHARS: i32 = 200;
export { MAX_UTTERANCE_CHARS, MAX_UTTERANCE_WORDS } from "./words";

/** Parameter types a slot can have. */
export const PARAM_NUMBER = "NUMBER";
export const PARAM_TEXT = "TEXT";

/** Local actions the firmware performs itself, without a backend request. */
export const LOCAL_UNLINK = "unlink";

export { TABLE_FORMAT_VERSION, isSlot, wordToken, wordIndex, Pattern, ActionDef, ActionTable, ActionTableResult, Match } from "./model";
import { TABLE_FORMAT_VERSION, isSlot, wordToken, wordIndex, Pattern, ActionDef, ActionTable, ActionTableResult, Match } from "./model";

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

// The play's action table: spoken utterances to backend actions.
//
// The table is data (config/actions.json, format in config/README.md). This
// module checks it strictly, since a table that loads but silently matches
// nothing is worse than one that is refused with a clear fault, and then
// matches utterances from the board's voice front end against it
// (actions/match.ts; the words both see are made by actions/words.ts).
//
// Pure logic: no board access, never traps on bad input.

import { parseJson, JsonKind, JsonValue } from "../net/json";
import { foldChar } from "../text/case";
import { isDigit, splitWords, wordIs, wordString } from "./words";
import { Fault, fault } from "../faults";

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

/** Why the table being loaded was refused: a fault (faults.ts), built only on failure. */
let refusal: string = "";

function refuse(f: Fault, arg: string = ""): void {
  refusal = fault(f, arg);
}

/** The argument of a fault about pattern k (0-based) of an action: "Name 2". */
function patternAt(name: string, k: i32): string {
  return name + " " + (k + 1).toString();
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

/** Pattern `nth` (0-based) of `action`, or null with the refusal set. */
function parsePattern(src: string, action: ActionDef, nth: i32): Pattern | null {
  if (src.length > MAX_PATTERN_CHARS) {
    refuse(Fault.PatternTooLong, patternAt(action.name, nth));
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
      refuse(Fault.PatternBrace, patternAt(action.name, nth));
      return null;
    }
    if (c != 0x7b) { i++; continue; }
    const close = src.indexOf("}", i + 1);
    if (close < 0) {
      refuse(Fault.PatternBrace, patternAt(action.name, nth));
      return null;
    }
    p.literals += pushLiterals(src, textStart, i);
    const name = src.substring(i + 1, close);
    if (!isIdent(name, 64)) {
      refuse(Fault.SlotBadName, patternAt(action.name, nth));
      return null;
    }
    let index = -1;
    for (let k = 0; k < action.paramNames.length; k++) {
      if (action.paramNames[k] == name) index = k;
    }
    if (index < 0) {
      refuse(Fault.SlotUndeclared, patternAt(action.name, nth));
      return null;
    }
    if (patternTokens.includes(index)) {
      refuse(Fault.SlotTwice, patternAt(action.name, nth));
      return null;
    }
    const count = patternTokens.length;
    if (count > 0 && isSlot(patternTokens[count - 1])) {
      refuse(Fault.SlotsAdjacent, patternAt(action.name, nth));
      return null;
    }
    patternTokens.push(index);
    slots++;
    i = close + 1;
    textStart = i;
  }
  p.literals += pushLiterals(src, textStart, src.length);
  if (slots > MAX_SLOTS_PER_PATTERN) {
    refuse(Fault.SlotsTooMany, patternAt(action.name, nth));
    return null;
  }
  if (p.literals == 0) {
    refuse(Fault.PatternNoWord, patternAt(action.name, nth));
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

function parseAction(v: JsonValue, index: i32): ActionDef | null {
  const number = (index + 1).toString();
  if (v.kind != JsonKind.Object) {
    refuse(Fault.ActionNotAnObject, number);
    return null;
  }
  const a = new ActionDef();
  const nameV = v.get("name");
  if (nameV === null || nameV.kind != JsonKind.String || !isActionName(nameV.str)) {
    refuse(Fault.ActionBadName, number);
    return null;
  }
  a.name = nameV.str;

  const localV = v.get("local");
  if (localV !== null && localV.kind != JsonKind.Null) {
    if (localV.kind != JsonKind.String || localV.str != LOCAL_UNLINK) {
      refuse(Fault.ActionLocal, a.name);
      return null;
    }
    a.local = localV.str;
  }

  const paramsV = v.get("parameters");
  if (paramsV !== null && paramsV.kind != JsonKind.Null) {
    if (paramsV.kind != JsonKind.Object) { refuse(Fault.ParamsNotObject, a.name); return null; }
    if (paramsV.keys.length > MAX_PARAMS_PER_ACTION) { refuse(Fault.ParamsTooMany, a.name); return null; }
    for (let i = 0; i < paramsV.keys.length; i++) {
      const pname = paramsV.keys[i];
      const ptype = paramsV.items[i];
      if (!isIdent(pname, 64)) { refuse(Fault.ParamBadName, a.name); return null; }
      if (a.paramNames.includes(pname)) { refuse(Fault.ParamTwice, a.name + " " + pname); return null; }
      if (ptype.kind != JsonKind.String || (ptype.str != PARAM_NUMBER && ptype.str != PARAM_TEXT)) {
        refuse(Fault.ParamType, a.name + " " + pname);
        return null;
      }
      if (ptype.str == PARAM_NUMBER) a.numberSlots |= 1 << a.paramNames.length;
      a.paramNames.push(pname);
      a.paramTypes.push(ptype.str);
    }
  }

  const patsV = v.get("patterns");
  if (patsV === null || patsV.kind != JsonKind.Array || patsV.items.length == 0) {
    refuse(Fault.PatternsBad, a.name);
    return null;
  }
  if (patsV.items.length > MAX_PATTERNS_PER_ACTION) { refuse(Fault.PatternsTooMany, a.name); return null; }
  for (let i = 0; i < patsV.items.length; i++) {
    const pv = patsV.items[i];
    if (pv.kind != JsonKind.String) {
      refuse(Fault.PatternNotString, patternAt(a.name, i));
      return null;
    }
    const p = parsePattern(pv.str, a, i);
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
      refuse(Fault.ParamUnused, a.name + " " + a.paramNames[k]);
      return null;
    }
  }
  return a;
}

/** Parses and checks an action table. Never traps; on failure `error` is the fault. */
export function loadActionTable(json: string): ActionTableResult {
  const result = new ActionTableResult();
  refusal = "";
  const table = parseTable(json);
  if (table === null) result.error = refusal;
  result.table = table;
  return result;
}

function parseTable(json: string): ActionTable | null {
  const parsed = parseJson(json);
  const root = parsed.value;
  if (root === null) {
    refuse(Fault.TableNotJson, parsed.error);
    return null;
  }
  if (root.kind != JsonKind.Object) {
    refuse(Fault.TableNotObject);
    return null;
  }
  const ver = root.get("version");
  if (ver === null || ver.kind != JsonKind.Number || ver.num != <f64>TABLE_FORMAT_VERSION) {
    refuse(Fault.TableVersion);
    return null;
  }
  const list = root.get("actions");
  if (list === null || list.kind != JsonKind.Array || list.items.length == 0) {
    refuse(Fault.TableNoActions);
    return null;
  }
  if (list.items.length > MAX_ACTIONS) {
    refuse(Fault.TableTooMany);
    return null;
  }
  const table = new ActionTable();
  tableWords = table.words;
  for (let i = 0; i < list.items.length; i++) {
    const a = parseAction(list.items[i], i);
    if (a === null) return null;
    for (let k = 0; k < table.actions.length; k++) {
      if (sameAsciiCaseless(table.actions[k].name, a.name)) {
        refuse(Fault.ActionTwice, a.name);
        return null;
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
          refuse(Fault.PatternSame, patternAt(a.name, k));
          return null;
        }
      }
    }
    table.actions.push(a);
  }
  return table;
}

/** Action names are ASCII: compared without case, without a case table. */
function sameAsciiCaseless(a: string, b: string): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (foldChar(a.charCodeAt(i)) != foldChar(b.charCodeAt(i))) return false;
  }
  return true;
}

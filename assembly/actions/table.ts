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

const MAX_NAME_CHARS: i32 = 64;

function isIdentStart(c: i32): bool {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c == 0x5f;
}

/** A letter or '_', then letters, digits or '_', at most MAX_NAME_CHARS. */
function isIdent(s: string): bool {
  if (s.length == 0 || s.length > MAX_NAME_CHARS) return false;
  if (!isIdentStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isIdentStart(c) && !isDigit(c)) return false;
  }
  return true;
}

function isActionName(s: string): bool {
  // Used as a URL path segment: a letter, then letters, digits or '_'.
  return isIdent(s) && s.charCodeAt(0) != 0x5f;
}

/** Whether a member is there: present and not null. */
function present(v: JsonValue | null): bool {
  return v !== null && v.kind != JsonKind.Null;
}

/** Why the table being loaded was refused: a fault (faults.ts), built only on failure. */
let refusal: string = "";

function refuse(f: Fault, arg: string): void {
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
/** Bit k set: some pattern of the action being parsed has slot k. */
let usedParams: i32 = 0;

/** Index of word i of the last split in tableWords, added when new. */
function internWord(i: i32): i32 {
  for (let k = 0; k < tableWords.length; k++) {
    if (wordIs(i, unchecked(tableWords[k]))) return k;
  }
  tableWords.push(wordString(i));
  return tableWords.length - 1;
}

/** The literal words of src[from, to) as tokens of the pattern being parsed; returns how many. */
function pushLiterals(src: string, from: i32, to: i32): i32 {
  const n = splitWords(src, to - from, from, to);
  for (let i = 0; i < n; i++) patternTokens.push(wordToken(internWord(i)));
  return n;
}

/** Index of the action's parameter `name`, or -1. */
function paramIndex(action: ActionDef, name: string): i32 {
  for (let k = 0; k < action.paramNames.length; k++) {
    if (action.paramNames[k] == name) return k;
  }
  return -1;
}

/** Reads pattern `src` of `action` into p; returns 0, or the fault that refuses it. */
function readPattern(src: string, action: ActionDef, p: Pattern): i32 {
  if (src.length > MAX_PATTERN_CHARS) return Fault.PatternTooLong;
  patternTokens.length = 0;
  let textStart = 0;
  let i = 0;
  let slots = 0; // bit k set: slot k is in this pattern
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c == 0x7d) return Fault.PatternBrace;
    if (c != 0x7b) { i++; continue; }
    const close = src.indexOf("}", i + 1);
    if (close < 0) return Fault.PatternBrace;
    p.literals += pushLiterals(src, textStart, i);
    const name = src.substring(i + 1, close);
    if (!isIdent(name)) return Fault.SlotBadName;
    const index = paramIndex(action, name);
    if (index < 0) return Fault.SlotUndeclared;
    if (slots & (1 << index)) return Fault.SlotTwice;
    const count = patternTokens.length;
    if (count > 0 && isSlot(patternTokens[count - 1])) return Fault.SlotsAdjacent;
    patternTokens.push(index);
    slots |= 1 << index;
    i = close + 1;
    textStart = i;
  }
  p.literals += pushLiterals(src, textStart, src.length);
  if (popcnt(slots) > MAX_SLOTS_PER_PATTERN) return Fault.SlotsTooMany;
  if (p.literals == 0) return Fault.PatternNoWord;
  usedParams |= slots;
  const tokens = new StaticArray<i32>(patternTokens.length);
  memory.copy(changetype<usize>(tokens), patternTokens.dataStart, <usize>tokens.length << 2);
  p.tokens = tokens;
  return 0;
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
  const name = v.getString("name");
  if (name === null || !isActionName(name)) {
    refuse(Fault.ActionBadName, number);
    return null;
  }
  a.name = name;

  const localV = v.get("local");
  if (present(localV)) {
    // `str` is "" for a value that is not a string.
    if (localV!.str != LOCAL_UNLINK) {
      refuse(Fault.ActionLocal, a.name);
      return null;
    }
    a.local = LOCAL_UNLINK;
  }

  const paramsV = v.get("parameters");
  if (present(paramsV)) {
    const params = paramsV!;
    if (params.kind != JsonKind.Object) { refuse(Fault.ParamsNotObject, a.name); return null; }
    const keys = params.keys;
    const items = params.items;
    if (keys.length > MAX_PARAMS_PER_ACTION) { refuse(Fault.ParamsTooMany, a.name); return null; }
    for (let i = 0; i < keys.length; i++) {
      const pname = keys[i];
      if (!isIdent(pname)) { refuse(Fault.ParamBadName, a.name); return null; }
      if (paramIndex(a, pname) >= 0) { refuse(Fault.ParamTwice, a.name + " " + pname); return null; }
      const ptype = items[i].str; // "" for a value that is not a string
      const isNumber = ptype == PARAM_NUMBER;
      if (!isNumber && ptype != PARAM_TEXT) {
        refuse(Fault.ParamType, a.name + " " + pname);
        return null;
      }
      a.numberSlots |= <i32>isNumber << a.paramNames.length;
      a.paramNames.push(pname);
      a.paramTypes.push(ptype);
    }
  }

  const pats = v.getArray("patterns");
  if (pats === null || pats.items.length == 0) {
    refuse(Fault.PatternsBad, a.name);
    return null;
  }
  const list = pats.items;
  if (list.length > MAX_PATTERNS_PER_ACTION) { refuse(Fault.PatternsTooMany, a.name); return null; }
  usedParams = 0;
  for (let i = 0; i < list.length; i++) {
    const pv = list[i];
    const p = new Pattern();
    const f = pv.kind != JsonKind.String ? Fault.PatternNotString : readPattern(pv.str, a, p);
    if (f != 0) {
      refuse(f, patternAt(a.name, i));
      return null;
    }
    a.patterns.push(p);
  }
  for (let k = 0; k < a.paramNames.length; k++) {
    if ((usedParams & (1 << k)) == 0) {
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
    refuse(Fault.TableNotObject, "");
    return null;
  }
  // NaN (never equal) when absent or not a number.
  if (root.getNumber("version") != <f64>TABLE_FORMAT_VERSION) {
    refuse(Fault.TableVersion, "");
    return null;
  }
  const list = root.getArray("actions");
  if (list === null || list.items.length == 0) {
    refuse(Fault.TableNoActions, "");
    return null;
  }
  const items = list.items;
  if (items.length > MAX_ACTIONS) {
    refuse(Fault.TableTooMany, "");
    return null;
  }
  const table = new ActionTable();
  const actions = table.actions;
  tableWords = table.words;
  for (let i = 0; i < items.length; i++) {
    const a = parseAction(items[i], i);
    if (a === null) return null;
    for (let k = 0; k < i; k++) {
      if (sameAsciiCaseless(actions[k].name, a.name)) {
        refuse(Fault.ActionTwice, a.name);
        return null;
      }
    }
    actions.push(a);
    // The same pattern twice, in this action (j == i) or an earlier one:
    // compared in place (at most 64 × 32 patterns), no keys built.
    for (let k = 0; k < a.patterns.length; k++) {
      const p = a.patterns[k];
      for (let j = 0; j <= i; j++) {
        const other = actions[j];
        const upto = j < i ? other.patterns.length : k;
        for (let q = 0; q < upto; q++) {
          if (!samePattern(p, a, other.patterns[q], other)) continue;
          refuse(Fault.PatternSame, patternAt(a.name, k));
          return null;
        }
      }
    }
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

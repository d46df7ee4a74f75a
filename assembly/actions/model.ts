// The action table's model: actions, their patterns and parameters, and
// what an utterance resolved to (loaded by actions/table.ts, matched by
// actions/match.ts).

export const TABLE_FORMAT_VERSION: i32 = 1;

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

/**
 * The parameters of a match that fills none, as most actions take none: one
 * shared empty array, never written. add() gives a Match its own arrays
 * before the first parameter, so a match without any allocates none.
 */
const NO_PARAMS: Array<string> = [];

/** What an utterance resolved to. Parameters are those the matched pattern filled (added with add()). */
export class Match {
  actionName: string = "";
  local: string = "";
  paramNames: Array<string> = NO_PARAMS;
  paramTypes: Array<string> = NO_PARAMS;
  paramValues: Array<string> = NO_PARAMS;

  /** Adds a filled parameter. */
  add(name: string, type: string, value: string): void {
    if (this.paramNames === NO_PARAMS) {
      this.paramNames = [];
      this.paramTypes = [];
      this.paramValues = [];
    }
    this.paramNames.push(name);
    this.paramTypes.push(type);
    this.paramValues.push(value);
  }

  /** Value of a filled parameter, or null. */
  param(name: string): string | null {
    for (let i = 0; i < this.paramNames.length; i++) {
      if (this.paramNames[i] == name) return this.paramValues[i];
    }
    return null;
  }
}

// Unit tests of the voice-action loop's pure parts: the action table
// (assembly/actions/table.ts) and the NUGU-style request and answer
// (assembly/actions/request.ts).
import { test, expect, expectEq, report } from "./harness";
import { ActionTable, Match, loadActionTable, MAX_ACTIONS } from "../../assembly/actions/table";
import { parseActionTable, actionTableError } from "./fakes";
import { match } from "../../assembly/actions/match";
import { normalizeWords } from "../../assembly/actions/words";
import {
  buildActionRequest, buildActionRequestBytes, parseActionResponse, uuidV4, ACTION_RESPONSE_MAX_CHARS,
} from "../../assembly/actions/request";
import { randomSessionId } from "../../assembly/board/random";
import { parseJson, parseJsonBytes, JsonValue, JsonKind } from "../../assembly/net/json";
import { Fault, fault, faultOf } from "../../assembly/faults";

// The demo play's table, as in config/actions.json.
const DEMO_TABLE = `{
  "version": 1,
  "play": "demo",
  "actions": [
    {
      "name": "WhoAmI",
      "description": "Says which account this device is linked to.",
      "patterns": [
        "who am i",
        "what is my name",
        "what's my name",
        "which account is this"
      ]
    },
    {
      "name": "TodaySchedule",
      "description": "Reads today's calendar.",
      "patterns": [
        "what's on my schedule today",
        "what is on my schedule today",
        "what is on my calendar",
        "what's on my calendar",
        "what is on my calendar today",
        "what's on my calendar today",
        "my schedule",
        "my schedule today"
      ]
    },
    {
      "name": "OrderStatus",
      "description": "Tells where an order is.",
      "parameters": { "orderNumber": "NUMBER" },
      "patterns": [
        "where is order {orderNumber}",
        "where is order number {orderNumber}",
        "where's order {orderNumber}",
        "where's order number {orderNumber}",
        "order status {orderNumber}",
        "order status for {orderNumber}",
        "status of order {orderNumber}",
        "track order {orderNumber}",
        "track order number {orderNumber}"
      ]
    },
    {
      "name": "Unlink",
      "description": "Unlinks the account from this device; handled on the device.",
      "local": "unlink",
      "patterns": [
        "unlink this device",
        "unlink my account",
        "unlink",
        "sign out",
        "log out"
      ]
    }
  ]
}`;

let demoTable: ActionTable | null = null;

function demo(): ActionTable {
  if (demoTable === null) demoTable = parseActionTable(DEMO_TABLE);
  if (demoTable === null) return new ActionTable();
  return demoTable!;
}

function on(u: string): Match | null {
  return match(demo(), u);
}

/** Checks that `u` resolves to `action`; returns the match or null. */
function expectAction(u: string, action: string): Match | null {
  const m = on(u);
  if (m === null) {
    expect(false, "\"" + u + "\" should match " + action);
    return null;
  }
  expectEq<string>(m.actionName, action, "action for \"" + u + "\"");
  return m;
}

function expectOrder(u: string, number: string): void {
  const m = expectAction(u, "OrderStatus");
  if (m === null) return;
  expectEq<i32>(m.paramNames.length, 1, "one parameter for \"" + u + "\"");
  if (m.paramNames.length != 1) return;
  expectEq<string>(m.paramNames[0], "orderNumber", "parameter name");
  expectEq<string>(m.paramTypes[0], "NUMBER", "parameter type");
  expectEq<string>(m.paramValues[0], number, "order number from \"" + u + "\"");
  expectEq<string>(m.local, "", "OrderStatus is a backend action");
}

function expectNoMatch(u: string): void {
  const m = on(u);
  expect(m === null, "\"" + u + "\" should not match" + (m !== null ? ", got " + m.actionName : ""));
}

/** Loads a table that must be refused; checks the fault is exactly `want` (faults.ts). */
function expectBad(json: string, want: string): void {
  const t = parseActionTable(json);
  expect(t === null, "table should be refused: " + json);
  expectEq<string>(actionTableError(), want, "fault for " + json);
}

/** A table the JSON reader refuses: the reader's reason is the fault's argument. */
function expectNotJson(json: string): void {
  const e = parseJson(json).error;
  expect(e.length > 0, "the reader refuses " + json);
  expectBad(json, fault(Fault.TableNotJson, e));
}

/** A one-action table around the given action body. */
function one(action: string): string {
  return "{\"version\":1,\"actions\":[" + action + "]}";
}

// ---------------------------------------------------------------------------
// Table parsing

test("the demo table loads", () => {
  const t = parseActionTable(DEMO_TABLE);
  expect(t !== null, "demo table parses: " + actionTableError());
  if (t === null) return;
  expectEq<string>(actionTableError(), "", "no error after success");
  expectEq<i32>(t.actions.length, 4, "four actions");
  expectEq<string>(t.actions[0].name, "WhoAmI", "first action");
  expectEq<string>(t.actions[1].name, "TodaySchedule", "second action");
  const o = t.find("OrderStatus");
  expect(o !== null, "OrderStatus present");
  if (o !== null) {
    expectEq<i32>(o.paramNames.length, 1, "OrderStatus has one parameter");
    expectEq<string>(o.paramNames[0], "orderNumber", "its name");
    expectEq<string>(o.paramTypes[0], "NUMBER", "its type");
    expectEq<i32>(o.patterns.length, 9, "OrderStatus patterns");
    expectEq<i32>(o.patterns[0].literals, 3, "'where is order {n}' has 3 literal words");
    expectEq<string>(o.local, "", "not local");
  }
  const u = t.find("Unlink");
  expect(u !== null, "Unlink present");
  if (u !== null) expectEq<string>(u.local, "unlink", "Unlink is local");
  expect(t.find("Nope") === null, "find of an unknown name is null");
});

test("table: not JSON is refused with the reader's message", () => {
  expectNotJson("");
  expectNotJson("{");
  expectNotJson("{\"version\":1,\"actions\":[}");
  expectNotJson("{\"version\":1,} ");
  expectNotJson("{\"version\":1} trailing");
  expectNotJson("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]");
});

test("table: wrong top-level shape", () => {
  expectBad("[]", fault(Fault.TableNotObject));
  expectBad("null", fault(Fault.TableNotObject));
  expectBad("\"actions\"", fault(Fault.TableNotObject));
  expectBad("{\"actions\":[]}", fault(Fault.TableVersion));
  expectBad("{\"version\":2,\"actions\":[]}", fault(Fault.TableVersion));
  expectBad("{\"version\":\"1\",\"actions\":[]}", fault(Fault.TableVersion));
  expectBad("{\"version\":1}", fault(Fault.TableNoActions));
  expectBad("{\"version\":1,\"actions\":{}}", fault(Fault.TableNoActions));
  expectBad("{\"version\":1,\"actions\":[]}", fault(Fault.TableNoActions));
});

test("table: actions with missing or mistyped fields", () => {
  expectBad(one("42"), fault(Fault.ActionNotAnObject, "1"));
  expectBad(one("{\"patterns\":[\"hi\"]}"), fault(Fault.ActionBadName, "1"));
  expectBad(one("{\"name\":7,\"patterns\":[\"hi\"]}"), fault(Fault.ActionBadName, "1"));
  expectBad(one("{\"name\":\"Who Am I\",\"patterns\":[\"hi\"]}"), fault(Fault.ActionBadName, "1"));
  expectBad(one("{\"name\":\"a/b\",\"patterns\":[\"hi\"]}"), fault(Fault.ActionBadName, "1"));
  expectBad(one("{\"name\":\"\",\"patterns\":[\"hi\"]}"), fault(Fault.ActionBadName, "1"));
  expectBad(one("{\"name\":\"_x\",\"patterns\":[\"hi\"]}"), fault(Fault.ActionBadName, "1"));
  expectBad(one("{\"name\":\"A\"}"), fault(Fault.PatternsBad, "A"));
  expectBad(one("{\"name\":\"A\",\"patterns\":\"hi\"}"), fault(Fault.PatternsBad, "A"));
  expectBad(one("{\"name\":\"A\",\"patterns\":[]}"), fault(Fault.PatternsBad, "A"));
  expectBad(one("{\"name\":\"A\",\"patterns\":[\"hi\",3]}"), fault(Fault.PatternNotString, "A 2"));
  expectBad(one("{\"name\":\"A\",\"local\":true,\"patterns\":[\"hi\"]}"), fault(Fault.ActionLocal, "A"));
  expectBad(one("{\"name\":\"A\",\"local\":\"reboot\",\"patterns\":[\"hi\"]}"), fault(Fault.ActionLocal, "A"));
  expectBad(one("{\"name\":\"A\",\"parameters\":[],\"patterns\":[\"hi\"]}"), fault(Fault.ParamsNotObject, "A"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":1},\"patterns\":[\"hi {n}\"]}"), fault(Fault.ParamType, "A n"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"DATE\"},\"patterns\":[\"hi {n}\"]}"), fault(Fault.ParamType, "A n"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"NUMBER\",\"n\":\"TEXT\"},\"patterns\":[\"hi {n}\"]}"), fault(Fault.ParamTwice, "A n"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"a b\":\"TEXT\"},\"patterns\":[\"hi\"]}"), fault(Fault.ParamBadName, "A"));
});

test("table: bad patterns", () => {
  expectBad(one("{\"name\":\"A\",\"patterns\":[\"hi {n}\"]}"), fault(Fault.SlotUndeclared, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"hi\"]}"), fault(Fault.ParamUnused, "A n"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"{n} and {n}\"]}"), fault(Fault.SlotTwice, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\",\"m\":\"TEXT\"},\"patterns\":[\"hi {n} {m}\"]}"), fault(Fault.SlotsAdjacent, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"{n}\"]}"), fault(Fault.PatternNoWord, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"?! {n} ...\"]}"), fault(Fault.PatternNoWord, "A 1"));
  expectBad(one("{\"name\":\"A\",\"patterns\":[\"\"]}"), fault(Fault.PatternNoWord, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"hi {n\"]}"), fault(Fault.PatternBrace, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"hi n} {n}\"]}"), fault(Fault.PatternBrace, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"hi {} {n}\"]}"), fault(Fault.SlotBadName, "A 1"));
  expectBad(one("{\"name\":\"A\",\"parameters\":{\"n\":\"TEXT\"},\"patterns\":[\"hi {n m}\"]}"), fault(Fault.SlotBadName, "A 1"));
  let long = "word";
  for (let i = 0; i < 50; i++) long += " word";
  expectBad(one("{\"name\":\"A\",\"patterns\":[\"" + long + "\"]}"), fault(Fault.PatternTooLong, "A 1"));
});

test("table: slot limits", () => {
  expectBad(
    one("{\"name\":\"A\",\"parameters\":{\"a\":\"TEXT\",\"b\":\"TEXT\",\"c\":\"TEXT\",\"d\":\"TEXT\",\"e\":\"TEXT\"}," +
      "\"patterns\":[\"x {a} x {b} x {c} x {d} x {e}\"]}"),
    fault(Fault.SlotsTooMany, "A 1"),
  );
  const t = parseActionTable(
    one("{\"name\":\"A\",\"parameters\":{\"a\":\"TEXT\",\"b\":\"TEXT\",\"c\":\"TEXT\",\"d\":\"TEXT\"}," +
      "\"patterns\":[\"x {a} x {b} x {c} x {d}\"]}"),
  );
  expect(t !== null, "4 slots are fine: " + actionTableError());
  if (t === null) return;
  // The worst case for the matcher: every word could start or end a slot.
  let u = "x";
  for (let i = 0; i < 46; i++) u += " x";
  const m = match(t, u + " y");
  expect(m !== null, "a long ambiguous utterance still resolves");
  // 48 words: 4 literal x, one word each for a, b and c, the other 41 for d.
  let rest = "x";
  for (let i = 0; i < 39; i++) rest += " x";
  if (m !== null) {
    expectEq<string>(m.param("a")!, "x", "earlier slots take one word");
    expectEq<string>(m.param("d")!, rest + " y", "the last slot takes the rest");
  }
  expect(match(t, u + " x x") === null, "over 48 words is refused");
});

test("table: duplicates are refused", () => {
  expectBad(
    "{\"version\":1,\"actions\":[{\"name\":\"A\",\"patterns\":[\"x\"]},{\"name\":\"a\",\"patterns\":[\"y\"]}]}",
    fault(Fault.ActionTwice, "a"),
  );
  expectBad(
    "{\"version\":1,\"actions\":[{\"name\":\"A\",\"patterns\":[\"who am i\"]},{\"name\":\"B\",\"patterns\":[\"Who, am I?\"]}]}",
    fault(Fault.PatternSame, "B 1"),
  );
  // Slots compare by type: two NUMBER slots with different names collide.
  expectBad(
    "{\"version\":1,\"actions\":[{\"name\":\"A\",\"parameters\":{\"x\":\"NUMBER\"},\"patterns\":[\"go {x}\"]}," +
      "{\"name\":\"B\",\"parameters\":{\"y\":\"NUMBER\"},\"patterns\":[\"go {y}\"]}]}",
    fault(Fault.PatternSame, "B 1"),
  );
});

test("table: size limits", () => {
  const parts = new Array<string>();
  for (let i = 0; i <= MAX_ACTIONS; i++) {
    parts.push("{\"name\":\"A" + i.toString() + "\",\"patterns\":[\"say " + i.toString() + "\"]}");
  }
  expectBad("{\"version\":1,\"actions\":[" + parts.join(",") + "]}", fault(Fault.TableTooMany));
  parts.pop();
  const t = parseActionTable("{\"version\":1,\"actions\":[" + parts.join(",") + "]}");
  expect(t !== null, "64 actions are fine: " + actionTableError());
});

test("table: the error is cleared by a later success, and loadActionTable agrees", () => {
  expect(parseActionTable("nope") === null, "refused");
  expect(actionTableError().length > 0, "message set");
  expect(parseActionTable(DEMO_TABLE) !== null, "demo loads");
  expectEq<string>(actionTableError(), "", "message cleared");
  const r = loadActionTable("{\"version\":1,\"actions\":[1]}");
  expect(r.table === null, "loadActionTable refuses too");
  expectEq<string>(r.error, fault(Fault.ActionNotAnObject, "1"), "loadActionTable fault");
});

// ---------------------------------------------------------------------------
// Matching

test("normalization: case, punctuation, whitespace", () => {
  const w = normalizeWords("  What's   ON my\tSchedule,\ntoday?!  ");
  expectEq<string>(w.join("|"), "whats|on|my|schedule|today", "words");
  expectEq<string>(normalizeWords("order #1,234.").join("|"), "order|1234", "digit comma joined, final period dropped");
  expectEq<string>(normalizeWords("pay 12.50 now").join("|"), "pay|12.50|now", "decimal kept whole");
  expectEq<string>(normalizeWords("sign-out…“now”").join("|"), "sign|out|now", "dashes and unicode punctuation split");
  expectEq<string>(normalizeWords("it’s ÉTÉ").join("|"), "its|été", "curly apostrophe, unicode lowercase");
  expectEq<i32>(normalizeWords(" ?! ... ").length, 0, "punctuation only: no words");
});

test("match: WhoAmI", () => {
  expectAction("who am i", "WhoAmI");
  expectAction("what is my name", "WhoAmI");
  expectAction("what's my name", "WhoAmI");
  expectAction("Whats my name?", "WhoAmI");
  expectAction("which account is this", "WhoAmI");
  const m = expectAction("WHO AM I?", "WhoAmI");
  if (m !== null) {
    expectEq<i32>(m.paramNames.length, 0, "no parameters");
    expectEq<string>(m.local, "", "a backend action");
  }
  expectAction("  who   am\ti  ", "WhoAmI");
  expectAction("Who, am I.", "WhoAmI");
});

test("match: TodaySchedule", () => {
  expectAction("what's on my schedule today", "TodaySchedule");
  expectAction("What's on my schedule today?", "TodaySchedule");
  expectAction("what is on my schedule today", "TodaySchedule");
  expectAction("what is on my calendar", "TodaySchedule");
  expectAction("What is on my calendar?", "TodaySchedule");
  expectAction("what's on my calendar today", "TodaySchedule");
  expectAction("my schedule", "TodaySchedule");
  expectAction("My schedule.", "TodaySchedule");
  expectAction("my schedule today", "TodaySchedule");
});

test("match: OrderStatus extracts the order number", () => {
  expectOrder("where is order 12345", "12345");
  expectOrder("Where is order #12345?", "12345");
  expectOrder("where is order number 42", "42");
  expectOrder("where's order 7", "7");
  expectOrder("where's order number 7", "7");
  expectOrder("order status 555", "555");
  expectOrder("order status for 555", "555");
  expectOrder("status of order 900", "900");
  expectOrder("track order 31337", "31337");
  expectOrder("track order number 2024", "2024");
  expectOrder("TRACK ORDER NUMBER 2024!", "2024");
  expectOrder("where is order 1,234", "1234");
  expectOrder("where is order 12 34", "1234");
  expectOrder("where is order 007", "007");
});

test("match: 'where is order number N' takes N, not \"number N\"", () => {
  expectOrder("where is order number 42", "42");
});

test("match: spoken digits in a NUMBER slot", () => {
  expectOrder("track order number one two three", "123");
  expectOrder("where is order four oh two", "402");
  expectOrder("where is order nine 8 seven", "987");
  expectOrder("order status zero", "0");
});

test("match: a NUMBER slot rejects words", () => {
  expectNoMatch("where is order banana");
  expectNoMatch("where is order twelve");
  expectNoMatch("where is order 12 apples");
  expectNoMatch("where is order 12.5");
  expectNoMatch("where is order");
  expectNoMatch("track order number");
  expectNoMatch("where is order 12 please");
});

test("match: Unlink is local", () => {
  const m = expectAction("Unlink this device.", "Unlink");
  if (m !== null) {
    expectEq<string>(m.local, "unlink", "local operation");
    expectEq<i32>(m.paramNames.length, 0, "no parameters");
  }
  expectAction("sign out", "Unlink");
  expectAction("Sign-out!", "Unlink");
  expectAction("log out", "Unlink");
  expectAction("unlink", "Unlink");
  expectAction("unlink my account", "Unlink");
});

test("match: unknown utterances give null", () => {
  expectNoMatch("play some music");
  expectNoMatch("who am i really");
  expectNoMatch("hey who am i");
  expectNoMatch("what is my");
  expectNoMatch("");
  expectNoMatch("    ");
  expectNoMatch("?!...");
  expectNoMatch("unlink this device now");
  let long = "who";
  for (let i = 0; i < 60; i++) long += " am";
  expectNoMatch(long);
  let huge = "";
  for (let i = 0; i < 200; i++) huge += "who am i ";
  expectNoMatch(huge);
});

const CUSTOM = `{"version":1,"actions":[
  {"name":"Switch","parameters":{"thing":"TEXT"},"patterns":["turn on {thing}"]},
  {"name":"Lights","patterns":["turn on the lights"]},
  {"name":"CallLater","parameters":{"who":"TEXT"},"patterns":["call {who} now"]},
  {"name":"CallMom","parameters":{"when":"TEXT"},"patterns":["call mom {when}"]},
  {"name":"Send","parameters":{"msg":"TEXT","to":"TEXT"},"patterns":["send {msg} to {to}", "message {to}"]},
  {"name":"Remind","parameters":{"what":"TEXT","n":"NUMBER"},"patterns":["remind me to {what} in {n} minutes"]}
]}`;

let customTable: ActionTable | null = null;
function custom(u: string): Match | null {
  if (customTable === null) customTable = parseActionTable(CUSTOM);
  if (customTable === null) {
    expect(false, "custom table loads: " + actionTableError());
    return null;
  }
  return match(customTable!, u);
}

test("match: the most specific pattern wins, ties go to the first", () => {
  let m = custom("turn on the lights");
  expect(m !== null && m.actionName == "Lights", "4 literal words beat 2");
  m = custom("Turn on the Fan");
  expect(m !== null && m.actionName == "Switch", "slot pattern when the literal one fails");
  if (m !== null) expectEq<string>(m.param("thing")!, "the Fan", "TEXT keeps the words as heard");
  m = custom("call mom now");
  expect(m !== null && m.actionName == "CallLater", "tie: the earlier action wins");
});

test("match: several slots and TEXT values", () => {
  let m = custom("Send hello there to Bob Smith.");
  expect(m !== null && m.actionName == "Send", "send matches");
  if (m !== null) {
    expectEq<i32>(m.paramNames.length, 2, "two parameters");
    expectEq<string>(m.param("msg")!, "hello there", "msg");
    expectEq<string>(m.param("to")!, "Bob Smith", "to");
    expectEq<string>(m.paramNames[0], "msg", "parameters in declaration order");
  }
  m = custom("send a to b to c");
  if (m !== null) {
    expectEq<string>(m.param("msg")!, "a", "the first slot takes the fewest words");
    expectEq<string>(m.param("to")!, "b to c", "the rest goes to the last slot");
  } else expect(false, "send a to b to c matches");
  m = custom("message Alice");
  if (m !== null) {
    expectEq<i32>(m.paramNames.length, 1, "only the filled parameter is reported");
    expect(m.param("msg") === null, "msg absent");
    expectEq<string>(m.param("to")!, "Alice", "to");
  } else expect(false, "message Alice matches");
  m = custom("remind me to water the plants in one five minutes");
  if (m !== null) {
    expectEq<string>(m.param("what")!, "water the plants", "TEXT slot before a literal");
    expectEq<string>(m.param("n")!, "15", "NUMBER from spoken digits");
    expectEq<string>(m.paramTypes[1], "NUMBER", "type reported");
  } else expect(false, "remind matches");
  expect(custom("remind me to sleep in lots of minutes") === null, "NUMBER slot inside a pattern rejects words");
});

// ---------------------------------------------------------------------------
// Request body

function orderMatch(n: string): Match {
  const m = new Match();
  m.actionName = "OrderStatus";
  m.add("orderNumber", "NUMBER", n);
  return m;
}

function parsed(body: string): JsonValue {
  const r = parseJson(body);
  expect(r.value !== null, "request body is JSON: " + r.error + " in " + body);
  return r.value !== null ? r.value! : new JsonValue();
}

test("request: every field of the body", () => {
  const body = buildActionRequest(orderMatch("12345"), "sess-1", true, "tok-abc", "speaker");
  const v = parsed(body);
  expectEq<string>(v.keys.join(","), "version,action,context", "top-level members in order");
  expectEq<string>(v.getString("version")!, "2.0", "version");
  const action = v.getObject("action");
  expect(action !== null, "action object");
  if (action !== null) {
    expectEq<string>(action.getString("actionName")!, "OrderStatus", "actionName");
    const params = action.getObject("parameters");
    expect(params !== null, "parameters object");
    if (params !== null) {
      expectEq<i32>(params.keys.length, 1, "one parameter");
      const p = params.getObject("orderNumber");
      expect(p !== null, "orderNumber object");
      if (p !== null) {
        expectEq<string>(p.getString("type")!, "NUMBER", "parameter type");
        expectEq<string>(p.getString("value")!, "12345", "parameter value is a string");
        expectEq<i32>(p.keys.length, 2, "type and value only");
      }
    }
  }
  const ctx = v.getObject("context");
  expect(ctx !== null, "context object");
  if (ctx !== null) {
    const s = ctx.getObject("session");
    expect(s !== null, "session object");
    if (s !== null) {
      expectEq<string>(s.getString("id")!, "sess-1", "session id");
      const isNew = s.get("isNew");
      expect(isNew !== null && isNew.kind == JsonKind.Bool && isNew.bool, "isNew true");
      expectEq<string>(s.getString("accessToken")!, "tok-abc", "accessToken");
    }
    const d = ctx.getObject("device");
    expect(d !== null, "device object");
    if (d !== null) {
      expectEq<string>(d.getString("type")!, "speaker", "device type");
      const st = d.getObject("state");
      expect(st !== null && st.keys.length == 0, "state is an empty object");
    }
  }
});

test("Match: parameters added to one match never show up in another", () => {
  const a = new Match();
  a.add("n", "NUMBER", "7");
  const b = new Match();
  expectEq<i32>(b.paramNames.length + b.paramTypes.length + b.paramValues.length, 0, "a new match has none");
  expectEq<i32>(a.paramNames.length, 1, "the first keeps its one");
  expectEq<string>(a.param("n")!, "7", "by name");
});

test("request: exact text for a call without parameters", () => {
  const m = new Match();
  m.actionName = "WhoAmI";
  expectEq<string>(
    buildActionRequest(m, "s", false, "t", "tv"),
    "{\"version\":\"2.0\",\"action\":{\"actionName\":\"WhoAmI\",\"parameters\":{}}," +
      "\"context\":{\"session\":{\"id\":\"s\",\"isNew\":false,\"accessToken\":\"t\"}," +
      "\"device\":{\"type\":\"tv\",\"state\":{}}}}",
    "body",
  );
});

test("request: quotes, backslashes, newlines and control characters are escaped", () => {
  const nasty = "say \"hi\"\\n\nline2\r\ttab\u0001end é 😀";
  const token = "abc\"def\\\nghi";
  const m = new Match();
  m.actionName = "Say";
  m.add("text", "TEXT", nasty);
  m.add("we\"ird", "TEXT", "");
  const body = buildActionRequest(m, "id\"1", true, token, "speaker");
  expect(!body.includes("\n"), "no raw newline in the body");
  expect(!body.includes("\u0001"), "no raw control character in the body");
  const v = parsed(body);
  const params = v.getObject("action") !== null ? v.getObject("action")!.getObject("parameters") : null;
  expect(params !== null, "parameters");
  if (params !== null) {
    const p = params.getObject("text");
    expect(p !== null && p.getString("value")! == nasty, "value round-trips");
    const q = params.getObject("we\"ird");
    expect(q !== null && q.getString("value")! == "", "odd name and empty value round-trip");
  }
  const s = v.getObject("context") !== null ? v.getObject("context")!.getObject("session") : null;
  expect(s !== null, "session");
  if (s !== null) {
    expectEq<string>(s.getString("accessToken")!, token, "token round-trips");
    expectEq<string>(s.getString("id")!, "id\"1", "session id round-trips");
  }
});

test("request bytes: the token is spliced into the bytes exactly where the text form has it", () => {
  // Texts of different lengths one after the other: each request is written
  // over the last one's text, which must grow and shrink to fit exactly.
  const values = ["caf\u00e9 \u00fc\u00f1\u00ee \ud83d\ude00", "x".repeat(300) + "\u00e9", "y"]; // non-ASCII before the token: the cut is counted in bytes
  const tokens = ["", "abc", "a\"b\\c", "x\u0001y"];
  for (let v = 0; v < values.length; v++) {
    const m = new Match();
    m.actionName = "Say";
    m.add("text", "TEXT", values[v]);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      const types = ["tv", "speaker", "", "\"}", "a\"\"}b"]; // quotes and braces in the device type cannot move the cut
      for (let d = 0; d < types.length; d++) {
        const type = types[d];
        const bytes = buildActionRequestBytes(m, "s-1", i == 0, Uint8Array.wrap(String.UTF8.encode(t)), type);
        const text = String.UTF8.decodeUnsafe(bytes.dataStart, bytes.length);
        expectEq<string>(text, buildActionRequest(m, "s-1", i == 0, t, type), "value " + v.toString() + ", token " + i.toString() + " on a " + type);
      }
    }
  }
});

// ---------------------------------------------------------------------------
// Answer parsing

test("answer: OK with speech and display", () => {
  const r = parseActionResponse(
    "{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"You are alice\",\"display\":\"alice\"},\"directives\":[]}",
  );
  expect(r.ok, "ok: " + r.error);
  expectEq<string>(r.resultCode, "OK", "resultCode");
  expectEq<string>(r.speech, "You are alice", "speech");
  expectEq<string>(r.display, "alice", "display");
  expectEq<string>(r.error, "", "no error");
});

test("answer: speech and display fall back to each other", () => {
  let r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"hello\"}}");
  expect(r.ok, "speech only is ok");
  expectEq<string>(r.display, "hello", "display falls back to speech");
  r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"display\":\"shown\",\"speech\":null}}");
  expect(r.ok, "display only is ok");
  expectEq<string>(r.speech, "shown", "speech falls back to display");
  r = parseActionResponse("{ \"resultCode\" : \"OK\", \"output\" : {\"speech\":\"a\\nb\"}, \"version\" : \"2.0\" }");
  expect(r.ok, "member order and spacing do not matter");
  expectEq<string>(r.speech, "a\nb", "escapes decoded");
});

test("answer: non-OK resultCode keeps the code and the backend's words", () => {
  let r = parseActionResponse(
    "{\"version\":\"2.0\",\"resultCode\":\"ORDER_NOT_FOUND\",\"output\":{\"speech\":\"No order 9.\"},\"directives\":[]}",
  );
  expect(!r.ok, "not ok");
  expectEq<string>(r.resultCode, "ORDER_NOT_FOUND", "code kept");
  expectEq<string>(r.speech, "No order 9.", "speech kept for the spoken error");
  expectEq<string>(r.error, fault(Fault.ActionRefused, "ORDER_NOT_FOUND"), "the fault names the code");
  r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"UNKNOWN_ACTION\"}");
  expect(!r.ok, "not ok");
  expectEq<string>(r.resultCode, "UNKNOWN_ACTION", "code kept without output");
  expectEq<string>(r.speech, "", "no speech");
  r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"ok\",\"output\":{\"speech\":\"x\"}}");
  expect(!r.ok, "resultCode is case-sensitive");
  r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"E\",\"output\":{\"speech\":5}}");
  expect(!r.ok && r.resultCode == "E" && r.speech == "", "non-OK with a bad output: code kept, no words");
  r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"E\",\"output\":\"oops\"}");
  expectEq<string>(r.error, fault(Fault.ActionWrongType, "output"), "output type checked for every code");
});

/** The fault of an answer the JSON reader refused: its own reason is the argument. */
function notJson(body: string): string {
  const e = parseJsonBytes(Uint8Array.wrap(String.UTF8.encode(body))).error;
  expect(e.length > 0, "the reader refuses " + body);
  return fault(Fault.ActionNotJson, e);
}

function expectAnswerError(body: string, error: string): void {
  const r = parseActionResponse(body);
  expect(!r.ok, "should not be ok: " + body);
  expectEq<string>(r.error, error, "error for " + body);
}

test("answer: not JSON", () => {
  expectAnswerError("", notJson(""));
  expectAnswerError("<html>502 Bad Gateway</html>", notJson("<html>502 Bad Gateway</html>"));
  expectAnswerError("{\"version\":\"2.0\",", notJson("{\"version\":\"2.0\","));
  expectAnswerError("{\"version\":\"2.0\"} x", notJson("{\"version\":\"2.0\"} x"));
  expectAnswerError("[]", fault(Fault.ActionNotObject));
  expectAnswerError("\"OK\"", fault(Fault.ActionNotObject));
});

test("answer: version rules", () => {
  expectAnswerError("{\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\"}}", fault(Fault.ActionMissing, "version"));
  expectAnswerError("{\"version\":null,\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\"}}", fault(Fault.ActionMissing, "version"));
  expectAnswerError("{\"version\":2.0,\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\"}}", fault(Fault.ActionWrongType, "version"));
  expectAnswerError("{\"version\":\"1.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\"}}", fault(Fault.ActionVersion, "1.0"));
});

test("answer: missing or mistyped members", () => {
  expectAnswerError("{\"version\":\"2.0\",\"output\":{\"speech\":\"x\"}}", fault(Fault.ActionMissing, "resultCode"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":0}", fault(Fault.ActionWrongType, "resultCode"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"\"}", fault(Fault.ActionEmptyCode));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\"}", fault(Fault.ActionMissing, "output"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":null}", fault(Fault.ActionMissing, "output"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":[\"x\"]}", fault(Fault.ActionWrongType, "output"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":1}}", fault(Fault.ActionWrongType, "speech"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\",\"display\":[]}}", fault(Fault.ActionWrongType, "display"));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{}}", fault(Fault.ActionNoWords));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"\",\"display\":\"\"}}", fault(Fault.ActionNoWords));
  expectAnswerError("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\"},\"directives\":{}}", fault(Fault.ActionWrongType, "directives"));
  const r = parseActionResponse("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\",\"display\":7}}");
  expect(r.speech == "" && r.display == "", "nothing to say from a refused answer");
});

test("answer: huge and deeply nested bodies", () => {
  const big = new Array<string>();
  big.push("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"");
  for (let i = 0; i < ACTION_RESPONSE_MAX_CHARS; i++) big.push("a");
  big.push("\"}}");
  expectAnswerError(big.join(""), fault(Fault.ActionTooLarge));
  const fits = new Array<string>();
  fits.push("{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"");
  for (let i = 0; i < 10000; i++) fits.push("b");
  fits.push("\"}}");
  const r = parseActionResponse(fits.join(""));
  expect(r.ok, "a large answer under the limit is fine");
  expectEq<i32>(r.speech.length, 10000, "all of its speech");
  let deep = "";
  for (let i = 0; i < 200; i++) deep += "[";
  expectAnswerError(deep, notJson(deep));
  expectEq<i32>(faultOf(parseJson(deep).error), Fault.JsonTooDeep, "too deep, as the reader says");
  let deepObj = "{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"x\"},\"directives\":";
  for (let i = 0; i < 100; i++) deepObj += "[";
  for (let i = 0; i < 100; i++) deepObj += "]";
  expectAnswerError(deepObj + "}", notJson(deepObj + "}"));
  expectEq<i32>(faultOf(parseJson(deepObj + "}").error), Fault.JsonTooDeep, "too deep inside, as the reader says");
});

// ---------------------------------------------------------------------------
// Nothing traps on garbage

let seed: u32 = 20251123;
function rnd(n: i32): i32 {
  if (n <= 0) return 0;
  seed = seed * 1103515245 + 12345;
  return <i32>((seed >>> 8) % <u32>n);
}

const VOCAB: Array<string> = [
  "who", "am", "i", "order", "where", "is", "number", "one", "7", "12.5", "my", "schedule", "?", "{", "}",
  "\"", "\\", "sign", "out", "'", "’", "\u0000", "é", "😀", "-", ",", "1,2", "status", "track",
];

test("fuzz: mangled tables, utterances and answers never trap", () => {
  let loaded = 0;
  for (let i = 0; i < 300; i++) {
    let t = DEMO_TABLE;
    const cuts = 1 + rnd(3);
    for (let k = 0; k < cuts; k++) {
      const at = rnd(t.length);
      const op = rnd(3);
      if (op == 0) t = t.substring(0, at) + t.substring(at + 1 + rnd(8));
      else if (op == 1) t = t.substring(0, at) + VOCAB[rnd(VOCAB.length)] + t.substring(at);
      else t = t.substring(0, at);
    }
    const table = parseActionTable(t);
    if (table !== null) {
      loaded++;
      match(table, "where is order 12345");
    } else expect(actionTableError().length > 0, "a refused table has a message");
  }
  expect(loaded < 300, "mangling refuses some tables");
  let matched = 0;
  for (let i = 0; i < 2000; i++) {
    const words = new Array<string>();
    const n = rnd(8);
    for (let k = 0; k < n; k++) words.push(VOCAB[rnd(VOCAB.length)]);
    const m = on(words.join(rnd(2) == 0 ? " " : ""));
    if (m !== null) matched++;
  }
  expect(matched > 0, "some random utterances match");
  const answer = "{\"version\":\"2.0\",\"resultCode\":\"OK\",\"output\":{\"speech\":\"a\",\"display\":\"b\"},\"directives\":[]}";
  for (let i = 0; i < 500; i++) {
    let a = answer;
    const at = rnd(a.length);
    a = rnd(2) == 0 ? a.substring(0, at) + a.substring(at + 1) : a.substring(0, at) + VOCAB[rnd(VOCAB.length)] + a.substring(at);
    const r = parseActionResponse(a);
    expect(r.ok || r.error.length > 0, "every refusal has a reason");
  }
});

// ---------------------------------------------------------------------------
// Session ids

function isUuidV4(s: string): bool {
  if (s.length != 36) return false;
  for (let i = 0; i < 36; i++) {
    const c = s.charCodeAt(i);
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != 0x2d) return false;
    } else if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  if (s.charAt(14) != "4") return false;
  const v = s.charAt(19);
  return v == "8" || v == "9" || v == "a" || v == "b";
}

test("uuidV4 formats 16 bytes per RFC 4122", () => {
  const zero = new Uint8Array(16);
  expectEq<string>(uuidV4(zero), "00000000-0000-4000-8000-000000000000", "all zero");
  const ones = new Uint8Array(16);
  ones.fill(0xff);
  expectEq<string>(uuidV4(ones), "ffffffff-ffff-4fff-bfff-ffffffffffff", "all ones");
  const seq = new Uint8Array(16);
  for (let i = 0; i < 16; i++) seq[i] = <u8>(i * 17);
  expectEq<string>(uuidV4(seq), "00112233-4455-4677-8899-aabbccddeeff", "byte order and masks");
  expectEq<u8>(seq[6], 0x66, "input not changed");
  expect(isUuidV4(uuidV4(seq)), "shape");
  expectEq<string>(uuidV4(new Uint8Array(15)), "", "15 bytes refused");
  expectEq<string>(uuidV4(new Uint8Array(17)), "", "17 bytes refused");
});

test("randomSessionId gives distinct version-4 UUIDs from the board's random source", () => {
  const a = randomSessionId();
  const b = randomSessionId();
  expect(isUuidV4(a), "a is a v4 UUID: " + a);
  expect(isUuidV4(b), "b is a v4 UUID: " + b);
  expect(a != b, "two ids differ");
});

report();

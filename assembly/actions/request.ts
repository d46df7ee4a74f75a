import { JSON } from "json-as";
// The NUGU-style action request and answer (DESIGN.md, "Voice-action loop").
//
// Request, sent as `POST {backend}/{actionName}` with
// `Authorization: Bearer {access_token}` and `Content-Type: application/json`:
//
//   {"version":"2.0",
//    "action":{"actionName":"...","parameters":{"NAME":{"type":"...","value":"..."}}},
//    "context":{"session":{"id":"...","isNew":true,"accessToken":"..."},
//               "device":{"type":"speaker|tv","state":{}}}}
//
// Answer: {"version":"2.0","resultCode":"OK","output":{...},"directives":[]}.
// The answer is untrusted and read with the strict reader in net/json.ts.
// Rules, strictest first:
//   - more than ACTION_RESPONSE_MAX_CHARS characters: refused unread;
//   - not JSON, or JSON but not an object: refused;
//   - `version` must be present and be the string "2.0" (a missing version
//     is refused: it is how an answer from something that is not the play,
//     such as a captive portal or a proxy error page, is told apart);
//   - `resultCode` must be a non-empty string;
//   - `directives`, when present and not null, must be an array (its
//     contents are not used by this device);
//   - `output`: `speech` and `display`, when present and not null, must be
//     strings. Speech falls back to display and display to speech. For "OK"
//     `output` must be an object and at least one of them non-empty;
//   - any `resultCode` other than "OK" gives ok false with the code kept,
//     plus speech/display when the backend sent a well-formed `output`, so
//     the device can say the backend's own words for the error.

import { parseJsonBytes, JsonKind, JsonValue } from "../net/json";
import { hexDigit, joinAll, rawString } from "../net/join";
import { Fault, fault } from "../faults";
import { Match } from "./table";
import { cleanText, stripControls } from "../net/http";
import { encodeUtf8, writeUtf8 } from "../net/utf8";
import { workBuffer } from "../net/buffer";

export const ACTION_PROTOCOL_VERSION = "2.0";
export const RESULT_OK = "OK";
export const ACTION_RESPONSE_MAX_CHARS: i32 = 16384;

// The request body, as json-as classes: the serializer writes exactly this
// shape with RFC 8259 escaping (DESIGN.md, Voice-action loop). json-as is
// used only to write; answers are read with the strict reader in net/json.
@json
class ActionParameter {
  type: string = "";
  value: string = "";
}

@json
class ActionBody {
  actionName: string = "";
  /**
   * The parameters object, {"NAME":{"type":..,"value":..},...}, its keys and
   * values each written by json-as (see buildActionRequest): a Map here
   * would link in hashing for at most MAX_PARAMS_PER_ACTION names.
   */
  parameters: JSON.Raw = new JSON.Raw("{}");
}

@json
class ActionSession {
  id: string = "";
  isNew: bool = false;
  accessToken: string = "";
}

@json
class ActionDevice {
  type: string = "";
  /** This device reports no state: always {}. */
  state: JSON.Raw = new JSON.Raw("{}");
}

@json
class ActionContext {
  session: ActionSession = new ActionSession();
  device: ActionDevice = new ActionDevice();
}

@json
class ActionRequestBody {
  version: string = ACTION_PROTOCOL_VERSION;
  action: ActionBody = new ActionBody();
  context: ActionContext = new ActionContext();
}

/**
 * The JSON body of an action request as UTF-8 bytes, with the access token
 * (`token`, its UTF-8 bytes) written straight into the bytes: json-as
 * writes everything else, and the token never becomes a UTF-16 string
 * (twice its size) in json-as's buffer and its output. They are written
 * into the working buffer (net/buffer.ts) from byte `at`: valid until its
 * next use, so the request must be sent in the same entry.
 */
export function buildActionRequestBytes(m: Match, sessionId: string, isNew: bool, token: Uint8Array, deviceType: string, at: i32 = 0): Uint8Array {
  fillBody(m, sessionId, isNew, "", deviceType);
  // json-as writes into the text of the last request (its `out` argument),
  // resized in place: no new string per action.
  const json = JSON.stringify<ActionRequestBody>(BODY, requestText);
  requestText = json;
  // The token's bytes go between the UTF-8 of the text before the empty
  // token's closing quote and after it.
  const cut = emptyTokenAt(json);
  const headLen = writeUtf8(json, 0, false, 0, cut);
  const tailLen = writeUtf8(json, 0, false, cut, json.length);
  // RFC 8259 §7: '"' and '\\' escaped, controls as \u00XX (a VSCHAR token has neither controls nor non-ASCII).
  let n = 0;
  // The token's bytes are read in place: a JWT is 6 KiB or more.
  const t = token.dataStart;
  const tn = token.length;
  for (let i = 0; i < tn; i++) {
    const c = load<u8>(t + <usize>i);
    n += c == 0x22 || c == 0x5c ? 2 : c < 0x20 ? 6 : 1;
  }
  const out = workBuffer(headLen + n + tailLen, at);
  writeUtf8(json, out.dataStart, false, 0, cut);
  let q = out.dataStart + headLen;
  for (let i = 0; i < tn; i++) {
    const c = load<u8>(t + <usize>i);
    if (c == 0x22 || c == 0x5c) {
      store<u16>(q, 0x5c | (<u16>c << 8)); // '\', c
      q += 2;
    } else if (c < 0x20) {
      store<u32>(q, 0x3030755c); // "\u00"
      store<u8>(q, hexDigit(c >> 4, false), 4);
      store<u8>(q, hexDigit(c & 15, false), 5);
      q += 6;
    } else {
      store<u8>(q++, c);
    }
  }
  writeUtf8(json, q, false, cut, json.length);
  return out;
}

/**
 * Where the value of the empty access token ends in json-as's text of the
 * request: its closing quote, found as the last `""}`. The session object
 * ends with that member, and after it come only the device object's type,
 * a string whose quotes are escaped (so no `""}` in it), and `"state":{}`.
 * A scan from the end, three code units at a time: lastIndexOf compared
 * the whole name at every position.
 */
function emptyTokenAt(json: string): i32 {
  const p = changetype<usize>(json);
  for (let i = json.length - 3; i >= 0; i--) {
    const at = p + (<usize>i << 1);
    if (load<u16>(at) == 0x22 && load<u16>(at, 2) == 0x22 && load<u16>(at, 4) == 0x7d) return i + 1;
  }
  return json.length; // not reached: json-as always writes the member
}

/** The request every action fills in: its objects are made once, not per action. */
const BODY = new ActionRequestBody();
const NO_PARAMETERS = new JSON.Raw("{}");
/** The last request's text, which json-as writes the next one into (never handed out). */
let requestText: string = "";

/** Builds the JSON body of an action request, every string escaped per RFC 8259. */
export function buildActionRequest(
  m: Match,
  sessionId: string,
  isNew: bool,
  accessToken: string,
  deviceType: string,
): string {
  fillBody(m, sessionId, isNew, accessToken, deviceType);
  const json = JSON.stringify<ActionRequestBody>(BODY);
  BODY.context.session.accessToken = ""; // a token is never kept
  return json;
}

/** Fills BODY for one request. */
function fillBody(m: Match, sessionId: string, isNew: bool, accessToken: string, deviceType: string): void {
  const body = BODY;
  body.action.actionName = m.actionName;
  body.action.parameters = NO_PARAMETERS;
  const n = min(m.paramNames.length, min(m.paramTypes.length, m.paramValues.length));
  if (n > 0) {
    // Names are unique in a table (actions/table.ts), so no key repeats.
    const parts = new Array<string>();
    for (let i = 0; i < n; i++) {
      const p = new ActionParameter();
      p.type = m.paramTypes[i];
      p.value = m.paramValues[i];
      parts.push(i == 0 ? "{" : ",");
      parts.push(JSON.stringify<string>(m.paramNames[i]));
      parts.push(":");
      parts.push(JSON.stringify<ActionParameter>(p));
    }
    parts.push("}");
    body.action.parameters = new JSON.Raw(joinAll(parts));
  }
  body.context.session.id = sessionId;
  body.context.session.isNew = isNew;
  body.context.session.accessToken = accessToken;
  body.context.device.type = deviceType;
}

export class ActionResult {
  /** True only for a well-formed answer with resultCode "OK". */
  ok: bool = false;
  /** The backend's resultCode when it sent one, else "". */
  resultCode: string = "";
  /** What to say. */
  speech: string = "";
  /** What to show (falls back to speech). */
  display: string = "";
  /** Why the answer is not usable, or which resultCode the backend gave: a fault (faults.ts). */
  error: string = "";
}

function failed(r: ActionResult, f: Fault, arg: string = ""): ActionResult {
  r.error = fault(f, arg);
  return r;
}

/** The kind of a member, Null when absent. */
function kindOf(v: JsonValue | null): JsonKind {
  return v === null ? JsonKind.Null : v.kind;
}

/** Whether a member is absent, null, or of `kind`. */
function isOptional(v: JsonValue | null, kind: JsonKind): bool {
  const k = kindOf(v);
  return k == JsonKind.Null || k == kind;
}

/** A member that must be a string: its text, or null with r failed. */
function requiredString(obj: JsonValue, key: string, into: JsonValue, r: ActionResult): string | null {
  const v = obj.getInto(key, into);
  const k = kindOf(v);
  if (k == JsonKind.String) return v!.str;
  failed(r, k == JsonKind.Null ? Fault.ActionMissing : Fault.ActionWrongType, key);
  return null;
}

/** An optional string member's text, controls stripped; "" when absent or null. */
function shownString(v: JsonValue | null): string {
  // What the backend says is shown and spoken, never interpreted: controls go.
  return kindOf(v) == JsonKind.String ? stripControls(v!.str, true) : "";
}

/**
 * Reads output.speech/output.display into r; returns the member of the
 * wrong type (r unchanged), or "".
 */
function readOutput(out: JsonValue, into: JsonValue, r: ActionResult): string {
  const s = out.getInto("speech", into);
  if (!isOptional(s, JsonKind.String)) return "speech";
  const speech = shownString(s);
  const d = out.getInto("display", into);
  if (!isOptional(d, JsonKind.String)) return "display";
  const display = shownString(d);
  r.speech = speech.length > 0 ? speech : display;
  r.display = display.length > 0 ? display : speech;
  return "";
}

/**
 * Reads a backend answer, given as its bytes (as it arrived) or as text.
 * Never traps; anything unusable is ok false with a fault. The bytes are
 * read in place (strict UTF-8, RFC 8259 §8.1): nothing is copied and
 * members this device does not use (`directives`' contents) are never built.
 */
export function parseActionResponse<T>(body: T): ActionResult {
  const r = new ActionResult();
  let bytes: Uint8Array;
  if (isString<T>()) {
    const text = changetype<string>(body);
    if (text.length > ACTION_RESPONSE_MAX_CHARS) return failed(r, Fault.ActionTooLarge);
    bytes = encodeUtf8(text, false);
  } else if (body instanceof Uint8Array) {
    bytes = changetype<Uint8Array>(body);
  } else {
    ERROR("parseActionResponse takes a string or a Uint8Array");
    return r;
  }
  if (bytes.length > ACTION_RESPONSE_MAX_CHARS) return failed(r, Fault.ActionTooLarge);
  const parsed = parseJsonBytes(bytes);
  const root = parsed.value;
  // The reader's own reason (not UTF-8, too complex, malformed) is the argument.
  if (root === null) return failed(r, Fault.ActionNotJson, parsed.error);
  if (root.kind != JsonKind.Object) return failed(r, Fault.ActionNotObject);

  // Members are read one at a time into one value (JsonValue.getInto), and
  // the output object into another: two value objects per answer.
  const member = new JsonValue();
  const ver = requiredString(root, "version", member, r);
  if (ver === null) return r;
  if (ver != ACTION_PROTOCOL_VERSION) return failed(r, Fault.ActionVersion, cleanText(ver, 16));

  const code = requiredString(root, "resultCode", member, r);
  if (code === null) return r;
  if (code.length == 0) return failed(r, Fault.ActionEmptyCode);
  r.resultCode = code;

  if (!isOptional(root.getInto("directives", member), JsonKind.Array)) return failed(r, Fault.ActionWrongType, "directives");
  const o = root.getInto("output", new JsonValue());
  if (!isOptional(o, JsonKind.Object)) return failed(r, Fault.ActionWrongType, "output");
  const out = kindOf(o) == JsonKind.Object ? o : null;

  if (code != RESULT_OK) {
    // The backend's own words for the error, when its output is well-formed.
    if (out !== null) readOutput(out, member, r);
    return failed(r, Fault.ActionRefused, cleanText(code, 40));
  }

  if (out === null) return failed(r, Fault.ActionMissing, "output");
  const wrong = readOutput(out, member, r);
  if (wrong.length > 0) return failed(r, Fault.ActionWrongType, wrong);
  if (r.speech.length == 0) return failed(r, Fault.ActionNoWords);
  r.ok = true;
  return r;
}

// ---------------------------------------------------------------------------
// Session ids

/**
 * Formats 16 random bytes as an RFC 4122 (§4.4) version-4 UUID, lowercase:
 * the version nibble is set to 4 and the variant bits to 10. The input is
 * not changed. Returns "" unless exactly 16 bytes are given.
 */
export function uuidV4(bytes: Uint8Array): string {
  if (bytes.length != 16) return "";
  // 32 hex digits and 4 dashes (8-4-4-4-12), written in place.
  const out = rawString(36);
  let q = changetype<usize>(out);
  for (let i = 0; i < 16; i++) {
    let b = <i32>bytes[i];
    if (i == 6) b = (b & 0x0f) | 0x40;
    else if (i == 8) b = (b & 0x3f) | 0x80;
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      store<u16>(q, 0x2d);
      q += 2;
    }
    store<u16>(q, hexDigit(b >> 4, false));
    store<u16>(q, hexDigit(b & 15, false), 2);
    q += 4;
  }
  return out;
}

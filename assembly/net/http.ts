// Request/response plumbing shared by every protocol the firmware speaks.
// Pure data: the wiring in main.ts moves these across the board ABI.
import { asciiLower } from "../text/case";
import { JsonKind, JsonValue, parseJsonBytes } from "./json";
import { parseFormBytes } from "./form";
import { isWhitespace } from "./json_check";
import { encodeUtf8, utf8Text } from "./utf8";
import { rawString } from "./join";
import { decimal } from "./decimal";
import { Fault, fault } from "../faults";

/** Transport errors reported as a negative status (boards/ABI.md, Network). */
export const NET_CONNECT_FAILED: i32 = -10;
export const NET_TIMEOUT: i32 = -11;
export const NET_BODY_TOO_LARGE: i32 = -12;
export const NET_TLS: i32 = -13;
export const NET_PROTOCOL: i32 = -14;
/** Set by the firmware (not the board) when a header value the firmware reads is not UTF-8 text. */
export const NET_MALFORMED_HEADER: i32 = -15;

export const CONTENT_FORM = "application/x-www-form-urlencoded";
export const CONTENT_JSON = "application/json";

export class HttpRequest {
  method: string = "POST";
  url: string = "";
  timeoutMs: i32 = 10000;
  private _headers: string = "";
  private _body: string = "";
  /**
   * The header block or the body as UTF-8 bytes, sent instead of the text
   * when set: a request carrying a 6 KiB token is built once, as bytes,
   * with no UTF-16 copy (twice the size) on the way.
   */
  headerBytes: Uint8Array | null = null;
  bodyBytes: Uint8Array | null = null;

  get headers(): string {
    const b = this.headerBytes;
    return b === null ? this._headers : utf8Text(b);
  }
  set headers(s: string) {
    this._headers = s;
    this.headerBytes = null;
  }
  get body(): string {
    const b = this.bodyBytes;
    return b === null ? this._body : utf8Text(b);
  }
  set body(s: string) {
    this._body = s;
    this.bodyBytes = null;
  }

  static form(url: string, body: string): HttpRequest {
    const r = new HttpRequest();
    r.url = url;
    r.body = body;
    r.headers = "Content-Type: " + CONTENT_FORM + "\r\nAccept: " + CONTENT_JSON;
    return r;
  }

  static get(url: string): HttpRequest {
    const r = new HttpRequest();
    r.method = "GET";
    r.url = url;
    r.headers = "Accept: " + CONTENT_JSON;
    return r;
  }
}

/** The body of an answer without one: shared, never written. */
const NO_BODY = new Uint8Array(0);

export class HttpResponse {
  status: i32 = 0;
  contentType: string = "";
  retryAfter: string = "";
  wwwAuthenticate: string = "";
  /** The body as it arrived: bytes, read by the JSON and form readers without a text copy. */
  bytes: Uint8Array = NO_BODY;

  /** The body as strict UTF-8 text, or "" when it is not UTF-8 (RFC 3629). */
  get body(): string {
    return utf8Text(this.bytes);
  }
  set body(s: string) {
    this.bytes = encodeUtf8(s, false);
  }
  /** The board's NET_BODY_CAP when this answer was read, bytes (0 = unknown). */
  bodyCap: i32 = 0;

  static of(status: i32, body: string, contentType: string = CONTENT_JSON): HttpResponse {
    const r = new HttpResponse();
    r.status = status;
    r.body = body;
    r.contentType = contentType;
    return r;
  }
}

/**
 * Why an answer with this status is not a success, as a fault: a transport
 * error (boards/ABI.md, Network) or "E345 <status>" for an HTTP status, so
 * callers pass the status number, not words.
 */
export function describeStatus(status: i32): string {
  let f = Fault.HttpStatus;
  if (status == NET_CONNECT_FAILED) f = Fault.NetConnect;
  else if (status == NET_TIMEOUT) f = Fault.NetTimeout;
  else if (status == NET_BODY_TOO_LARGE) f = Fault.NetTooLarge;
  else if (status == NET_TLS) f = Fault.NetTls;
  else if (status == NET_PROTOCOL) f = Fault.NetBroken;
  else if (status == NET_MALFORMED_HEADER) f = Fault.NetBadHeader;
  else if (status < 0) f = Fault.NetError;
  return fault(f, f == Fault.HttpStatus || f == Fault.NetError ? status.toString() : "");
}

/**
 * Reads a body as JSON or as a form, whichever it is. Providers differ:
 * most answer JSON, GitHub answers a form unless asked for JSON. The
 * content type decides when it is clear; otherwise the first character.
 * Returns null when the body is neither (or is not an object).
 */
export function parseBody(resp: HttpResponse): JsonValue | null {
  const ct = asciiLower(resp.contentType);
  const bytes = resp.bytes;
  let first = 0;
  while (first < bytes.length && isWhitespace(bytes[first])) first++;
  const looksJson = first < bytes.length && bytes[first] == 0x7b;
  const form = ct.indexOf("form") >= 0;
  if (ct.indexOf("json") >= 0 || (!form && looksJson)) {
    const r = parseJsonBytes(bytes);
    if (!r.ok) return null;
    const v = r.value!;
    return v.kind == JsonKind.Object ? v : null;
  }
  if (form || ct.indexOf("text/plain") >= 0 || ct.length == 0) {
    return parseFormBytes(bytes);
  }
  return null;
}

/** A numeric member given as a JSON number or as a decimal string (form bodies); NaN otherwise. */
export function numberField(obj: JsonValue, key: string): f64 {
  const v = obj.get(key);
  if (v === null) return NaN;
  if (v.kind == JsonKind.Number) return v.num;
  if (v.kind == JsonKind.String) {
    // At most 15 decimal digits: exact in an f64 when summed as an integer,
    // so no float parser is needed.
    const s = v.str;
    const from = s.charCodeAt(0) == 0x2d ? 1 : 0;
    if (s.length == from || s.length > 15) return NaN;
    const n = decimal(s, from, s.length);
    return n < 0 ? NaN : <f64>(from ? -n : n);
  }
  return NaN;
}

/**
 * Whether an answer's Retry-After is used: only a 429 (RFC 6585 §4) or a
 * 503 (RFC 9110 §15.6.4) says when to come back. Other answers' is not read.
 */
export function usesRetryAfter(status: i32): bool {
  return status == 429 || status == 503;
}

/**
 * Whether an answer's WWW-Authenticate is used: only a 401 carries the
 * bearer challenge the device acts on (RFC 6750 §3, §3.1 invalid_token).
 * Other answers' is not read.
 */
export function usesWwwAuthenticate(status: i32): bool {
  return status == 401;
}

/**
 * Retry-After (RFC 9110 §10.2.3) as delay-seconds; -1 when absent or an
 * HTTP-date (the device may not know the wall time; the caller backs off).
 */
export function retryAfterSeconds(value: string): i32 {
  // Optional whitespace around the value (RFC 9110 §5.6.3: SP / HTAB).
  let from = 0, to = value.length;
  while (from < to && isOws(value.charCodeAt(from))) from++;
  while (to > from && isOws(value.charCodeAt(to - 1))) to--;
  if (to == from || to - from > 9) return -1;
  return <i32>decimal(value, from, to);
}

function isOws(c: i32): bool {
  return c == 0x20 || c == 0x09;
}

/** Visible ASCII and space (%x20-7E): RFC 6749 Appendix A's VSCHAR, and what a user code may hold. */
export function isVisibleAscii(s: string): bool {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Untrusted text made safe to show or say: printable characters only, bounded. */
export function cleanText(s: string, max: i32): string {
  const t = shownText(s, false, max);
  return s.length > max ? t + "..." : t;
}

/** True for a character that must never reach a screen, a speaker or a terminal as text. */
export function isControl(c: i32): bool {
  // C0, DEL and C1 controls (ESC and CSI start terminal escapes), and the
  // bidirectional overrides and isolates that reorder what a person reads.
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** Untrusted text to show or say, whole: controls removed (line feeds kept when asked); nothing else changes. */
export function stripControls(s: string, keepNewlines: bool): string {
  return shownText(s, keepNewlines, s.length);
}

function isShown(c: i32, keepNewlines: bool): bool {
  return !isControl(c) || (keepNewlines && c == 0x0a);
}

/** The first `max` characters of `s` that are not controls (line feeds kept when asked); `s` itself when that is all of it. */
function shownText(s: string, keepNewlines: bool, max: i32): string {
  // Measured, then written once (see join.ts): no string per character.
  // The units are read in place: the length once, no check per character.
  const len = s.length;
  const p = changetype<usize>(s);
  let n = 0;
  let end = 0;
  for (; end < len && n < max; end++) {
    if (isShown(<i32>load<u16>(p + (<usize>end << 1)), keepNewlines)) n++;
  }
  if (n == len) return s;
  const out = rawString(n);
  let q = changetype<usize>(out);
  for (let i = 0; i < end; i++) {
    const c = <i32>load<u16>(p + (<usize>i << 1));
    if (!isShown(c, keepNewlines)) continue;
    store<u16>(q, <u16>c);
    q += 2;
  }
  return out;
}

/** The error code in a WWW-Authenticate: Bearer challenge (RFC 6750 §3), or "". */
export function bearerError(challenge: string): string {
  const lower = asciiLower(challenge);
  const at = lower.indexOf("error=");
  if (at < 0) return "";
  let i = at + 6;
  let quoted = false;
  if (i < challenge.length && challenge.charCodeAt(i) == 0x22) { quoted = true; i++; }
  const start = i;
  while (i < challenge.length) {
    const c = challenge.charCodeAt(i);
    if (quoted ? c == 0x22 : (c == 0x2c || c == 0x20)) break;
    i++;
  }
  return challenge.substring(start, i);
}

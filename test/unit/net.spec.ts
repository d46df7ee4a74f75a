// Strict UTF-8 (RFC 3629, RFC 8259 §8.1), the bounded lazy JSON reader,
// exact numbers, strict forms and URL checks: the parsing every server
// answer, config and action table goes through.
import { test, expect, expectEq, report } from "./harness";
import { decodeUtf8, encodeUtf8, utf8InvalidAt, utf8Text, writeUtf8 } from "../../assembly/net/utf8";
import {
  parseJson, parseJsonBytes, JsonKind, JsonValue, JSON_MAX_DEPTH, JSON_MAX_MEMBERS, JSON_MAX_VALUES, JSON_MAX_CHARS,
} from "../../assembly/net/json";
import { Walk } from "../../assembly/net/json_check";
import { fault, Fault } from "../../assembly/faults";
import { parseForm, parseFormBytes, formEscape, formUnescape, FORM_MAX_PAIRS } from "../../assembly/net/form";
import { parseUrl, checkEndpoint } from "../../assembly/net/url";
import {
  HttpResponse, parseBody, cleanText, describeStatus, stripControls, usesRetryAfter, usesWwwAuthenticate,
  NET_CONNECT_FAILED, NET_TIMEOUT, NET_BODY_TOO_LARGE, NET_TLS, NET_PROTOCOL, NET_MALFORMED_HEADER,
} from "../../assembly/net/http";
import { WORK_BUFFER_BYTES, bodyCapFor, workBuffer } from "../../assembly/net/buffer";
import { Fault, fault } from "../../assembly/faults";
import { parseDeviceConfigBytes } from "../../assembly/auth/config";

function hex(s: string): Uint8Array {
  const clean = s.replaceAll(" ", "");
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = <u8>I32.parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

function cat(a: Uint8Array, b: Uint8Array, c: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length + c.length);
  out.set(a, 0);
  out.set(b, a.length);
  out.set(c, a.length + b.length);
  return out;
}

function ascii(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

// The classic invalid sequences (Markus Kuhn's stress-test categories).
const INVALID: string[] = [
  "80", "bf", "80 bf", "c0 80", "c1 bf", "c0 af", "e0 80 af", "e0 9f bf", "f0 80 80 af", "f0 8f bf bf",
  "f8 88 80 80 af", "fc 84 80 80 80 af", // over-long (5- and 6-byte forms do not exist)
  "ed a0 80", "ed ad bf", "ed b0 80", "ed bf bf", "ed a0 80 ed b0 80", // surrogates, single and paired
  "f4 90 80 80", "f5 80 80 80", "f7 bf bf bf", // above U+10FFFF
  "c2", "e1 80", "f1 80 80", "df", "ef bf", // truncated
  "fe", "ff", "fe fe ff ff", // never in UTF-8
  "c2 41", "e1 41 80", "e1 80 41", "f1 80 80 41", // lead byte followed by ASCII: must not swallow it
];

test("utf8: every classic invalid sequence is refused, alone and inside text", () => {
  for (let i = 0; i < INVALID.length; i++) {
    const b = hex(INVALID[i]);
    expect(decodeUtf8(b, 0, -1) === null, "decode refuses " + INVALID[i]);
    expectEq<i32>(utf8InvalidAt(b, 0, -1), 0, "first bad byte of " + INVALID[i]);
    const inText = cat(ascii("ab"), b, ascii("cd"));
    expectEq<i32>(utf8InvalidAt(inText, 0, -1), 2, "found inside text: " + INVALID[i]);
    const j = cat(ascii("{\"k\":\""), b, ascii("\"}"));
    const r = parseJsonBytes(j);
    expectEq<string>(r.error, fault(Fault.JsonNotUtf8, "6"), "JSON refuses " + INVALID[i] + " at its first byte");
  }
});

test("utf8: valid boundaries decode to the right code points", () => {
  const s = decodeUtf8(hex("7f c2 80 df bf e0 a0 80 ed 9f bf ee 80 80 ef bf bd f0 90 80 80 f4 8f bf bf"), 0, -1);
  expect(s !== null, "all valid");
  const t = s!;
  expectEq<i32>(t.length, 11, "UTF-16 units");
  expectEq<i32>(t.charCodeAt(0), 0x7f, "U+007F");
  expectEq<i32>(t.charCodeAt(1), 0x80, "U+0080");
  expectEq<i32>(t.charCodeAt(2), 0x7ff, "U+07FF");
  expectEq<i32>(t.charCodeAt(3), 0x800, "U+0800");
  expectEq<i32>(t.charCodeAt(4), 0xd7ff, "U+D7FF");
  expectEq<i32>(t.charCodeAt(5), 0xe000, "U+E000");
  expectEq<i32>(t.charCodeAt(6), 0xfffd, "U+FFFD");
  expectEq<i32>(t.codePointAt(7), 0x10000, "U+10000");
  expectEq<i32>(t.codePointAt(9), 0x10ffff, "U+10FFFF");
});

function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] != b[i]) return false;
  return true;
}

test("utf8: the encoder writes what String.UTF8.encode writes, unpaired surrogates included", () => {
  const t = utf8Text(hex("41 7f c2 80 df bf e0 a0 80 ed 9f bf ee 80 80 ef bf bd f0 90 80 80 f4 8f bf bf"));
  expect(sameBytes(encodeUtf8(t, false), hex("41 7f c2 80 df bf e0 a0 80 ed 9f bf ee 80 80 ef bf bd f0 90 80 80 f4 8f bf bf")), "1-4 byte boundaries");
  // A lone high surrogate, a lone low one, a high one at the end; a pair between them.
  const lone = String.fromCharCode(0xd800) + "a" + String.fromCharCode(0xdc00) + String.fromCodePoint(0x1f600) + String.fromCharCode(0xdbff);
  const std = Uint8Array.wrap(String.UTF8.encode(lone));
  const stdReplaced = Uint8Array.wrap(String.UTF8.encode(lone, false, String.UTF8.ErrorMode.REPLACE));
  expect(sameBytes(encodeUtf8(lone, false), std), "WTF-8, as String.UTF8.encode");
  expect(sameBytes(encodeUtf8(lone, true), stdReplaced), "U+FFFD, as String.UTF8.encode with REPLACE");
  expectEq<i32>(writeUtf8(lone, 0, false, 0, lone.length), String.UTF8.byteLength(lone), "counted as String.UTF8.byteLength");
  expectEq<i32>(encodeUtf8("", false).length, 0, "empty");
});

test("json: an over-long quote cannot hide a token (issue case)", () => {
  // C0 A2 is an over-long '"': a lenient decoder ends the string there.
  const body = cat(ascii("{\"error_description\":\"waiting"), hex("c0 a2"),
    ascii(",\"access_token\":\"SMUGGLED-TOKEN\",\"token_type\":\"Bearer\",\"x\":\"\"}"));
  const r = parseJsonBytes(body);
  expect(!r.ok, "refused");
  const resp = new HttpResponse();
  resp.status = 200;
  resp.contentType = "application/json";
  resp.bytes = body;
  expect(parseBody(resp) === null, "parseBody gives nothing");
});

test("json: C1 97 C1 84 before a user code is refused, not read as 'WD'", () => {
  const body = cat(ascii("{\"user_code\":\""), hex("c1 97 c1 84"), ascii("JBMJHT\"}"));
  expect(!parseJsonBytes(body).ok, "refused");
});

test("json: grammar, escapes and surrogate pairs", () => {
  const r = parseJson("{\"a\":[1,-2.5,true,false,null,\"x\\u00e9\\ud83d\\udd11\\n\\\"\"],\"b\":{}}");
  expect(r.ok, "valid: " + r.error);
  const v = r.value!;
  const a = v.getArray("a")!;
  expectEq<i32>(a.items.length, 6, "six items");
  expectEq<f64>(a.items[1].num, -2.5, "number");
  expect(a.items[2].bool && !a.items[3].bool, "booleans");
  expectEq<i32>(a.items[4].kind, JsonKind.Null, "null");
  expectEq<string>(a.items[5].str, "x\u00e9\ud83d\udd11\n\"", "escapes decoded");
  expect(v.getObject("b") !== null, "empty object");
  const bad = ["", " ", "{", "{\"a\"}", "{\"a\":}", "[1,]", "{\"a\":1,}", "01", "1.", ".5", "1e", "+1", "-", "tru", "nul",
    "\"\\x\"", "\"\\u12\"", "\"a\u0001\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "[1] 2", "{'a':1}", "NaN", "Infinity"];
  for (let i = 0; i < bad.length; i++) expect(!parseJson(bad[i]).ok, "refused: " + bad[i]);
  const dup = parseJson("{\"k\":1,\"k\":2}").value!;
  expectEq<f64>(dup.getNumber("k"), 2, "last duplicate wins");
  const esc = parseJson("{\"\\u0061ccess\":\"y\"}").value!;
  expectEq<string>(esc.getString("access")!, "y", "escaped member names match");
});

test("json: each refusal is its fault and byte offset", () => {
  const cases: string[] = [
    "", fault(Fault.JsonSyntax, "0"),
    " ", fault(Fault.JsonSyntax, "1"),
    "{", fault(Fault.JsonSyntax, "1"),
    "{\"a\"}", fault(Fault.JsonSyntax, "4"),
    "{\"a\":}", fault(Fault.JsonSyntax, "5"),
    "[1,]", fault(Fault.JsonSyntax, "3"),
    "[1 2]", fault(Fault.JsonSyntax, "3"),
    "{'a':1}", fault(Fault.JsonSyntax, "1"),
    "tru", fault(Fault.JsonSyntax, "0"),
    "fals", fault(Fault.JsonSyntax, "0"),
    "nulll", fault(Fault.JsonTrailing, "4"),
    "[1] 2", fault(Fault.JsonTrailing, "4"),
    "01", fault(Fault.JsonBadNumber, "2"),
    "-", fault(Fault.JsonBadNumber, "1"),
    "1.", fault(Fault.JsonBadNumber, "2"),
    "1e+", fault(Fault.JsonBadNumber, "3"),
    "+1", fault(Fault.JsonSyntax, "0"),
    ".5", fault(Fault.JsonSyntax, "0"),
    "\"ab", fault(Fault.JsonUnterminated, "3"),
    "\"a\\", fault(Fault.JsonBadString, "2"),
    "\"a\\x\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u12\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u12G4\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u00`9\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u00@9\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u00/9\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u00:9\"", fault(Fault.JsonBadString, "2"),
    "\"a\\u00g9\"", fault(Fault.JsonBadString, "2"),
    "\"a\u0001\"", fault(Fault.JsonBadString, "2"),
    "\"\\udc00\"", fault(Fault.JsonSurrogate, "1"),
    "\"\\ud800\"", fault(Fault.JsonSurrogate, "1"),
    "\"\\ud800\\u0041\"", fault(Fault.JsonSurrogate, "1"),
    "\"\\ud800\\ud800\"", fault(Fault.JsonSurrogate, "1"),
    "{\"a\u0001\":1}", fault(Fault.JsonBadString, "3"),
  ];
  for (let i = 0; i < cases.length; i += 2) {
    const r = parseJson(cases[i]);
    expect(!r.ok, "refused: " + cases[i]);
    expectEq<string>(r.error, cases[i + 1], "fault of " + cases[i]);
  }
  expect(parseJson("\"\\uDBFF\\uDFFF\\u00E9\\/\\b\\f\\r\\t\"").ok, "upper-case hex, the last pair, every short escape");
  expectEq<string>(parseJson("\"\\uDBFF\\uDFFF\\/\\b\\f\\r\\t\"").value!.str, "\u{10FFFF}/\b\f\r\t", "decoded");
});

test("json: member names match whatever their spelling", () => {
  const v = parseJsonBytes(cat(ascii("{\"ab\":1,\"a\":2,\"\\u00e9t\u00e9\":3,\"k\\\"\":4,\""), hex("f0 9f 94 91"), ascii("\":5,\"\":6}"))).value!;
  expectEq<f64>(v.getNumber("a"), 2, "a shorter name after a longer one");
  expectEq<f64>(v.getNumber("ab"), 1, "a longer name");
  expect(!v.has("abc") && !v.has("b") && !v.has("A"), "no near misses");
  expectEq<f64>(v.getNumber("\u00e9t\u00e9"), 3, "escape and raw UTF-8 in one name");
  expectEq<f64>(v.getNumber("k\""), 4, "escaped quote");
  expectEq<f64>(v.getNumber("\u{1F511}"), 5, "4-byte UTF-8 name");
  expectEq<f64>(v.getNumber(""), 6, "empty name");
  expectEq<i32>(v.keys.length, 6, "six keys");
  expectEq<string>(v.keys[4], "\u{1F511}", "decoded key");
  expectEq<f64>(v.items[5].num, 6, "items in order");
});

test("json: a root object's members are found the same with 1, 16, 17 and 40 members, duplicates and nested objects", () => {
  // Up to 16 root members are indexed by the check walk itself; more by a walk on the first lookup.
  const sizes: i32[] = [1, 15, 16, 17, 40];
  for (let k = 0; k < sizes.length; k++) {
    const n = sizes[k];
    const parts = new Array<string>();
    for (let i = 0; i < n; i++) parts.push("\"m" + i.toString() + "\":{\"m" + i.toString() + "\":" + (i * 10).toString() + "}");
    parts.push("\"m0\":" + "7"); // a duplicate of the first name, last: it wins
    const root = parseJson("{" + parts.join(",") + "}").value!;
    const tag = n.toString() + " members: ";
    expectEq<f64>(root.getNumber("m0"), 7, tag + "the last duplicate wins");
    for (let i = 1; i < n; i++) {
      const inner = root.getObject("m" + i.toString());
      expect(inner !== null, tag + "member " + i.toString());
      if (inner !== null) expectEq<f64>(inner.getNumber("m" + i.toString()), i * 10, tag + "nested member " + i.toString());
    }
    expect(root.get("m" + n.toString()) === null, tag + "an absent name");
    expectEq<i32>(root.keys.length, n + 1, tag + "every member listed");
  }
});

test("json: getInto reads each member into the one value given, as get() would", () => {
  const root = parseJson('{"a":"first","n":12,"o":{"b":"second"},"arr":[1]}').value!;
  const into = new JsonValue();
  const a = root.getInto("a", into);
  expect(a === into, "a member read from text goes into the value given");
  expectEq<string>(a !== null ? a.str : "", "first", "its text");
  const o = root.getInto("o", into);
  expect(o === into && into.kind == JsonKind.Object, "the same value, now the object");
  expectEq<string>(o !== null ? o.str : "?", "", "no text kept from before");
  const b = o !== null ? o.getInto("b", new JsonValue()) : null;
  expectEq<string>(b !== null ? b.str : "", "second", "a member of it");
  const n = root.getInto("n", into);
  expectEq<f64>(n !== null ? n.num : -1, 12, "a number, after an object");
  expect(root.getInto("missing", into) === null, "absent");
  expectEq<f64>(into.num, 12, "an absent member leaves the value as it was");
  // A built object (form.ts makes them) has its values already: getInto returns those.
  const built = JsonValue.of(JsonKind.Object);
  const sv = JsonValue.of(JsonKind.String);
  sv.str = "x";
  built.keys.push("k");
  built.items.push(sv);
  expect(built.getInto("k", into) === sv, "a built object's own value");
});

test("headers read by status: Retry-After of a 429 or 503, WWW-Authenticate of a 401, no others", () => {
  const statuses: i32[] = [200, 400, 401, 403, 429, 500, 502, 503, -1];
  for (let i = 0; i < statuses.length; i++) {
    const s = statuses[i];
    expectEq<bool>(usesRetryAfter(s), s == 429 || s == 503, "Retry-After for " + s.toString());
    expectEq<bool>(usesWwwAuthenticate(s), s == 401, "WWW-Authenticate for " + s.toString());
  }
});

test("json: limits are checked before anything is built, with a clear error", () => {
  let deep = "";
  for (let i = 0; i <= JSON_MAX_DEPTH + 1; i++) deep += "[";
  for (let i = 0; i <= JSON_MAX_DEPTH + 1; i++) deep += "]";
  let r = parseJson(deep);
  expectEq<string>(r.error, fault(Fault.JsonTooDeep, (JSON_MAX_DEPTH + 1).toString()), "too deep, at the first value too deep");
  let ok = "";
  for (let i = 0; i < JSON_MAX_DEPTH; i++) ok += "[";
  for (let i = 0; i < JSON_MAX_DEPTH; i++) ok += "]";
  expect(parseJson(ok).ok, "depth at the limit is fine");
  // 6,464 duplicate members (the 38,785-byte case, shrunk to the cap): refused.
  const members = new Array<string>();
  for (let i = 0; i <= JSON_MAX_MEMBERS; i++) members.push("\"a\":0");
  r = parseJson("{" + members.join(",") + "}");
  expectEq<string>(r.error, fault(Fault.JsonTooManyMembers, (1 + JSON_MAX_MEMBERS * 6).toString()), "too many members, at the first one too many");
  members.pop();
  expect(parseJson("{" + members.join(",") + "}").ok, "512 members are fine");
  // {"x":[0,0,...]} with 7,827 elements: parsed, nothing built until read.
  const zeros = new Array<string>();
  for (let i = 0; i < 7827; i++) zeros.push("0");
  r = parseJson("{\"x\":[" + zeros.join(",") + "]}");
  expect(r.ok, "7,827 elements fit: " + r.error);
  expectEq<i32>(r.value!.getArray("x")!.items.length, 7827, "and can be read");
  // More values than JSON_MAX_VALUES need more bytes than JSON_MAX_CHARS: the byte limit refuses first.
  const many = new Array<string>();
  for (let i = 0; i < JSON_MAX_VALUES; i++) many.push("0");
  const text = "[" + many.join(",") + "]";
  r = parseJson(text);
  expectEq<string>(r.error, fault(Fault.JsonTooLarge, text.length.toString()), "too large as text");
  r = parseJsonBytes(ascii(text));
  expectEq<string>(r.error, fault(Fault.JsonTooLarge, text.length.toString()), "too large as bytes");
  // The value limit still holds on its own, should the byte limit ever grow.
  const w = new Walk(ascii(text));
  expect(!w.value(0), "walk refuses");
  expectEq<i32>(w.fault, Fault.JsonTooManyValues, "too many values");
  expectEq<i32>(w.pos, 1 + (JSON_MAX_VALUES - 1) * 2, "at the first value too many");
  const edge = new Array<string>();
  for (let i = 0; i < JSON_MAX_CHARS - 2; i++) edge.push(" ");
  expect(parseJson("[" + edge.join("") + "]").ok, "16,384 bytes are fine");
  expect(!parseJson("[" + edge.join("") + " ]").ok, "16,385 are not");
});

test("json: numbers are exact or NaN (RFC 8259 §6)", () => {
  const cases: string[] = ["0", "-0", "1", "3600", "3600.0", "1e3", "2.5E-1", "9007199254740992", "1e22", "1e23", "123456789e10",
    "0.1", "1.5e300", "1e308", "1e309", "9007199254740993", "2.2250738585072011e-308", "4.9e-324", "-1", "100000000000000000000000000"];
  const want: f64[] = [0, -0.0, 1, 3600, 3600, 1000, 0.25, 9007199254740992, 1e22, 1e23, 1234567890000000000, 0.1,
    NaN, NaN, NaN, NaN, NaN, NaN, -1, 1e26];
  for (let i = 0; i < cases.length; i++) {
    const r = parseJson(cases[i]);
    expect(r.ok, "grammar ok: " + cases[i]);
    const got = r.value!.num;
    if (isNaN(want[i])) expect(isNaN(got), cases[i] + " refused (NaN), got " + got.toString());
    else expectEq<f64>(got, want[i], cases[i]);
  }
});

test("json: values never read are never decoded; 16 KiB token answer reads in place", () => {
  const pad = new Array<string>();
  for (let i = 0; i < 12000; i++) pad.push("A");
  const body = "{\"id_token\":\"" + pad.join("") + "\",\"access_token\":\"AT\",\"token_type\":\"Bearer\",\"expires_in\":3600}";
  const before = memory.size();
  const r = parseJsonBytes(ascii(body));
  expect(r.ok, "parsed");
  expectEq<string>(r.value!.getString("access_token")!, "AT", "member found past the big one");
  expectEq<f64>(r.value!.getNumber("expires_in"), 3600, "number read");
  expect(memory.size() - before <= 1, "no more than one page grown while reading");
});

test("form: every ASCII character escaped as RFC 6749 Appendix B says, and back", () => {
  const unreserved = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";
  const hex = "0123456789ABCDEF";
  for (let c = 0; c < 128; c++) {
    const ch = String.fromCharCode(c);
    const want = unreserved.indexOf(ch) >= 0 ? ch : c == 0x20 ? "+" : "%" + hex.charAt(c >> 4) + hex.charAt(c & 15);
    expectEq<string>(formEscape(ch), want, "escape of " + c.toString());
    expectEq<string>(formUnescape(want)!, ch, "unescape of " + want);
  }
  expectEq<string>(formEscape("\u00e9 \u{1F600}"), "%C3%A9+%F0%9F%98%80", "UTF-8 bytes, uppercase hex");
});

test("form: strict percent-escapes and UTF-8, bounded pairs", () => {
  expect(formUnescape("%E9") === null, "%E9 alone is not UTF-8");
  expect(parseForm("refresh_token=%E9&access_token=x") === null, "refresh_token=%E9 is an error, not 'no refresh token'");
  expectEq<string>(formUnescape("%C3%A9+x")!, "\u00e9 x", "valid escapes decode");
  expect(formUnescape("%C0%A2") === null, "over-long escape refused");
  expect(formUnescape("%ED%A0%80") === null, "surrogate escape refused");
  expect(formUnescape("%4") === null && formUnescape("%zz") === null, "bad escapes refused");
  expect(parseFormBytes(hex("61 3d c3 a9")) === null, "raw non-ASCII bytes refused");
  const pairs = new Array<string>();
  for (let i = 0; i <= FORM_MAX_PAIRS; i++) pairs.push("k" + i.toString() + "=v");
  expect(parseForm(pairs.join("&")) === null, "too many pairs refused");
  pairs.pop();
  expect(parseForm(pairs.join("&")) !== null, "at the limit is fine");
  const f = parseForm("access_token=a%2Bb&expires_in=60\n")!;
  expectEq<string>(f.getString("access_token")!, "a+b", "value");
});

test("url: ports 1-65535 and hosts every parser reads the same way", () => {
  const good = ["https://as.example", "https://as.example:443/x", "http://127.0.0.1:65535/", "https://a-b.example.com/p?q=1#f",
    "http://[::1]:8080/", "https://10.0.0.1/", "HTTPS://AS.Example/", "https://xn-a.example/", "https://0x.example/", "https://a.b0x/"];
  for (let i = 0; i < good.length; i++) expect(parseUrl(good[i]).valid, "valid: " + good[i]);
  const bad = ["https://as.example:99999/", "https://as.example:0/", "https://as.example:/", "https://as.example:0443/",
    "https://as.example:-1/", "https://127.1/", "https://0x7f.0.0.1/", "https://2130706433/", "https://as%2eexample/",
    "https://as..example/", "https://.as.example/", "https://as.example\\@evil.example/", "https://[::0:1]/",
    "https://xn--e1a.example\u00e9/", "https://user@as.example/", "https://as.example.123/", "https:///x", "1http://x.example/",
    "https://01.2.3.4/", "https://1.2.3.256/", "https://XN--e1a.example/", "https://a.xn--e1a/", "https://as.0x7f/", "https://as.0X1F/"];
  for (let i = 0; i < bad.length; i++) expect(!parseUrl(bad[i]).valid, "refused: " + bad[i]);
  expectEq<string>(checkEndpoint("https://as.example:99999/token", "token_endpoint"), fault(Fault.UrlInvalid, "token_endpoint"), "port 99999 refused");
  const cfg = parseDeviceConfigBytes(ascii("{\"issuer\":\"https://as.example:99999\",\"client_id\":\"c\"}"));
  expect(cfg.error.indexOf(fault(Fault.UrlInvalid)) >= 0, "config check refuses port 99999: " + cfg.error);
});

test("url: credentials go over https, or plain http only to loopback", () => {
  expectEq<string>(checkEndpoint("https://as.example/token", "t"), "", "https anywhere");
  expectEq<string>(checkEndpoint("http://127.0.0.1:8080/token", "t"), "", "http to 127.0.0.1");
  expectEq<string>(checkEndpoint("http://localhost/token", "t"), "", "http to localhost");
  expectEq<string>(checkEndpoint("http://[::1]/token", "t"), "", "http to [::1]");
  expectEq<string>(checkEndpoint("http://as.example/token", "t"), fault(Fault.UrlPlainHttp, "t"), "http elsewhere");
  expectEq<string>(checkEndpoint("http://127.0.0.01/token", "t"), fault(Fault.UrlInvalid, "t"), "a non-canonical address");
  expectEq<string>(checkEndpoint("http://10.0.0.1/token", "t"), fault(Fault.UrlPlainHttp, "t"), "http to another address");
  expectEq<string>(checkEndpoint("ftp://as.example/token", "t"), fault(Fault.UrlScheme, "t"), "another scheme");
  expectEq<string>(checkEndpoint("as.example/token", "t"), fault(Fault.UrlInvalid, "t"), "not absolute");
});

test("http: a status that is not a success is a fault, with the HTTP status as its argument", () => {
  expectEq<string>(describeStatus(NET_CONNECT_FAILED), fault(Fault.NetConnect), "connect");
  expectEq<string>(describeStatus(NET_TIMEOUT), fault(Fault.NetTimeout), "timeout");
  expectEq<string>(describeStatus(NET_BODY_TOO_LARGE), fault(Fault.NetTooLarge), "too large");
  expectEq<string>(describeStatus(NET_TLS), fault(Fault.NetTls), "TLS");
  expectEq<string>(describeStatus(NET_PROTOCOL), fault(Fault.NetBroken), "broken");
  expectEq<string>(describeStatus(NET_MALFORMED_HEADER), fault(Fault.NetBadHeader), "header");
  expectEq<string>(describeStatus(-99), fault(Fault.NetError, "-99"), "another board error");
  expectEq<string>(describeStatus(503), fault(Fault.HttpStatus, "503"), "HTTP 503");
});

test("http: controls are stripped from shown text, line feeds kept when asked", () => {
  expectEq<string>(stripControls("plain", false), "plain", "unchanged");
  expectEq<string>(stripControls("a\u001b[2Jb\nc\u202ed", false), "a[2Jbcd", "ESC, LF and a bidi override go");
  expectEq<string>(stripControls("a\u001b[2Jb\nc\u202ed", true), "a[2Jb\ncd", "LF kept");
  expectEq<string>(stripControls("\u0007\u0085", true), "", "all controls");
});

test("buffer: a board's body cap above the working buffer is read as the buffer's size", () => {
  expectEq<i32>(bodyCapFor(8192), 8192, "a smaller cap stays");
  expectEq<i32>(bodyCapFor(WORK_BUFFER_BYTES), WORK_BUFFER_BYTES, "the buffer's size stays");
  expectEq<i32>(bodyCapFor(65536), WORK_BUFFER_BYTES, "a larger cap is clamped");
  expectEq<i32>(bodyCapFor(0), WORK_BUFFER_BYTES, "no cap given");
  expectEq<i32>(bodyCapFor(-1), WORK_BUFFER_BYTES, "a refused cap query");
  // Any body within the clamped cap is a view of the one buffer, not a fresh array.
  const a = workBuffer(bodyCapFor(1 << 20));
  const b = workBuffer(100);
  expectEq<i32>(a.length, WORK_BUFFER_BYTES, "the whole buffer");
  expect(a.buffer == b.buffer, "the same buffer under every body");
});

test("config: bytes that are not UTF-8 are refused with a clear error", () => {
  const cfg = parseDeviceConfigBytes(cat(ascii("{\"issuer\":\"https://as.example\",\"client_id\":\"c"), hex("c0 80"), ascii("\"}")));
  expect(cfg.error.indexOf(fault(Fault.JsonNotUtf8, "45")) >= 0, "says UTF-8 and where: " + cfg.error);
  expect(parseDeviceConfigBytes(null).error.length > 0, "no config: a reason");
});

test("cleanText drops C0, C1, DEL and bidi controls", () => {
  expectEq<string>(cleanText("a\u001b]0;x\u0007b\u009bc\u202ed\u007f", 40), "a]0;xbcd", "controls gone");
});

report();

// The voice-action exchange: one in flight, RFC 6750 §3.1 invalid_token →
// one refresh → one retry, the wait for that refresh, a second 401.
import { test, expect, expectEq, report } from "./harness";
import { Exchange, ExchangeResult, ExchangeState, Failure } from "../../assembly/actions/exchange";
import { loadActionTable, Match } from "../../assembly/actions/table";
import { match } from "../../assembly/actions/match";
import { HttpResponse, NET_CONNECT_FAILED, NET_TIMEOUT, NET_BODY_TOO_LARGE } from "../../assembly/net/http";
import { ACTION_REFRESH_WAIT_MS, ACTION_TIMEOUT_MS } from "../../assembly/limits";
import { json, SMALL_TABLE } from "./fakes";
import { Fault, fault, faultOf } from "../../assembly/faults";
import { workBuffer } from "../../assembly/net/buffer";

const OK = '{"version":"2.0","resultCode":"OK","output":{"speech":"You are alice.","display":"alice"}}';

function whoAmI(): Match {
  return match(loadActionTable(SMALL_TABLE).table!, "who am i")!;
}

function started(): Exchange {
  const x = new Exchange("https://play.example/api", "tv");
  x.newSession("s-1");
  x.start(whoAmI());
  return x;
}

function invalidToken(): HttpResponse {
  const r = json(401, "");
  r.wwwAuthenticate = 'Bearer error="invalid_token"';
  return r;
}

test("RFC 6750 §2.1: the action goes to {backend}/{action} with the bearer token in the header", () => {
  const x = started();
  const req = x.due(0, "AT-1", false)!;
  expectEq<string>(req.url, "https://play.example/api/WhoAmI", "url");
  expect(req.headers.indexOf("Authorization: Bearer AT-1") >= 0, "bearer header");
  expect(req.body.indexOf('"isNew":true') >= 0, "first action of the session is new");
  expectEq<i32>(req.timeoutMs, ACTION_TIMEOUT_MS, "timeout from limits");
  expectEq<i32>(x.state, ExchangeState.InFlight, "in flight");
  expect(x.due(0, "AT-1", false) === null, "one in flight");
});

test("an action's request bytes are written into the working buffer, the header block then the body, not into new arrays", () => {
  const x = started();
  const req = x.due(0, "AT-1", false)!;
  const head = req.headerBytes!;
  const body = req.bodyBytes!;
  const work = workBuffer(1);
  expect(head.buffer == work.buffer && body.buffer == work.buffer, "both are views of the working buffer");
  expectEq<i32>(head.byteOffset, 0, "the header block first");
  expectEq<i32>(body.byteOffset, head.byteLength, "the body right after it");
  expect(req.headers.startsWith("Authorization: Bearer AT-1\r\n"), "header block intact: " + req.headers);
  expect(req.body.startsWith('{"version":"2.0"') && req.body.endsWith("}"), "body intact: " + req.body);
});

test("each action goes to its own URL, also after another one", () => {
  const table = loadActionTable('{"version":1,"play":"test","actions":[' +
    '{"name":"WhoAmI","patterns":["who am i"]},{"name":"Weather","patterns":["weather"]}]}').table!;
  const x = new Exchange("https://play.example/api", "tv");
  x.newSession("s-1");
  const names = ["who am i", "weather", "weather", "who am i"];
  const urls = ["https://play.example/api/WhoAmI", "https://play.example/api/Weather", "https://play.example/api/Weather", "https://play.example/api/WhoAmI"];
  for (let i = 0; i < names.length; i++) {
    x.start(match(table, names[i])!);
    const req = x.due(0, "AT-1", false);
    expect(req !== null, "sent: " + names[i]);
    if (req !== null) expectEq<string>(req.url, urls[i], "url for " + names[i]);
    x.onResponse(json(200, OK), 0, true);
  }
});

test("no usable access token: the action waits, nothing is sent", () => {
  const x = started();
  expect(x.due(0, "", false) === null, "nothing without a token");
  expectEq<i32>(x.state, ExchangeState.Ready, "still ready");
});

test("an OK answer gives the backend's words; the session is no longer new", () => {
  const x = started();
  x.due(0, "AT-1", false);
  expectEq<i32>(x.onResponse(json(200, OK), 5, true), ExchangeResult.Answered, "answered");
  expectEq<string>(x.speech, "You are alice.", "speech");
  expectEq<string>(x.display, "alice", "display");
  expect(!x.busy, "idle again");
  x.start(whoAmI());
  expect(x.due(6, "AT-1", false)!.body.indexOf('"isNew":false') >= 0, "isNew false next time");
});

test("401 invalid_token → one refresh, then exactly one retry with the new token", () => {
  const x = started();
  x.due(0, "AT-1", false);
  expectEq<i32>(x.onResponse(invalidToken(), 10, true), ExchangeResult.Refresh, "asks for a refresh");
  expectEq<i32>(x.state, ExchangeState.WaitingRefresh, "waits");
  expect(x.due(20, "AT-1", false) === null, "not again with the same token");
  expect(x.due(30, "AT-2", true) === null, "not while the refresh is in flight");
  const retry = x.due(40, "AT-2", false)!;
  expect(retry.headers.indexOf("Bearer AT-2") >= 0, "retried with the new token");
  expectEq<i32>(x.sends, 2, "two sends in all");
  expectEq<i32>(x.onResponse(json(200, OK), 50, true), ExchangeResult.Answered, "the retry is answered");
});

test("a second 401 after the retry means the service no longer accepts the device", () => {
  const x = started();
  x.due(0, "AT-1", false);
  x.onResponse(invalidToken(), 10, true);
  x.due(20, "AT-2", false);
  expectEq<i32>(x.onResponse(invalidToken(), 30, true), ExchangeResult.Unauthorized, "unauthorized");
  expectEq<string>(x.error, fault(Fault.ActionRejected), "the log says the token was refused");
  expect(!x.busy, "the action is dropped");
  expect(x.due(40, "AT-3", false) === null, "no third send");
});

test("401 without a refresh token, or without invalid_token, is not retried", () => {
  const x = started();
  x.due(0, "AT-1", false);
  expectEq<i32>(x.onResponse(invalidToken(), 10, false), ExchangeResult.Unauthorized, "no refresh token");
  const y = started();
  y.due(0, "AT-1", false);
  expectEq<i32>(y.onResponse(json(401, ""), 10, true), ExchangeResult.Unauthorized, "no error code");
});

test("the wait for the refresh ends: the action fails with its own words after the wait", () => {
  const x = started();
  x.due(0, "AT-1", false);
  x.onResponse(invalidToken(), 100, true);
  expectEq<i64>(x.nextDeadline(), 100 + ACTION_REFRESH_WAIT_MS, "deadline at the end of the wait");
  expect(x.due(100 + ACTION_REFRESH_WAIT_MS - 1, "", true) === null, "still waiting");
  expectEq<i32>(x.result, ExchangeResult.Nothing, "no result yet");
  expect(x.due(100 + ACTION_REFRESH_WAIT_MS, "", true) === null, "nothing sent");
  expectEq<i32>(x.result, ExchangeResult.Failed, "failed");
  expectEq<i32>(x.failure, Failure.RefreshGaveUp, "gave up on the refresh");
  expectEq<string>(x.error, fault(Fault.ActionNoNewToken), "the log says why");
  expect(!x.busy, "idle");
});

test("transport failures and bad answers fail with a kind and a log line, never a spoken code", () => {
  const statuses: i32[] = [NET_TIMEOUT, NET_BODY_TOO_LARGE, NET_CONNECT_FAILED, 500];
  const kinds: i32[] = [Failure.Timeout, Failure.TooLarge, Failure.Unreachable, Failure.Http];
  const faults: string[] = [fault(Fault.NetTimeout), fault(Fault.NetTooLarge), fault(Fault.NetConnect), fault(Fault.HttpStatus, "500")];
  for (let i = 0; i < statuses.length; i++) {
    const x = started();
    x.due(0, "AT-1", false);
    expectEq<i32>(x.onResponse(HttpResponse.of(statuses[i], ""), 5, true), ExchangeResult.Failed, "failed " + i.toString());
    expectEq<i32>(x.failure, kinds[i], "kind " + i.toString());
    expectEq<string>(x.error, faults[i], "fault " + i.toString());
  }
  const r = started();
  r.due(0, "AT-1", false);
  r.onResponse(json(200, '{"version":"2.0","resultCode":"ORDER_NOT_FOUND","output":{"speech":"No such order."}}'), 5, true);
  expectEq<i32>(r.failure, Failure.Refused, "refused by the service");
  expectEq<string>(r.speech, "No such order.", "the backend's words kept");
  expectEq<string>(r.error, fault(Fault.ActionRefused, "ORDER_NOT_FOUND"), "the code is kept for the log");
  const u = started();
  u.due(0, "AT-1", false);
  u.onResponse(json(200, "<html>"), 5, true);
  expectEq<i32>(u.failure, Failure.Unreadable, "unreadable");
  expectEq<i32>(faultOf(u.error), Fault.ActionNotJson, "not JSON: " + u.error);
});

test("a transport failure does not end the session's isNew; an answer does", () => {
  const x = started();
  x.due(0, "AT-1", false);
  x.onResponse(HttpResponse.of(NET_CONNECT_FAILED, ""), 5, true);
  expect(x.sessionIsNew, "still new: the backend never saw it");
  x.start(whoAmI());
  x.due(6, "AT-1", false);
  x.onResponse(json(500, ""), 7, true);
  expect(!x.sessionIsNew, "the backend answered");
});

test("cancel drops the action; a late answer is ignored", () => {
  const x = started();
  x.due(0, "AT-1", false);
  x.cancel();
  expectEq<i32>(x.onResponse(json(200, OK), 5, true), ExchangeResult.Nothing, "ignored");
  expect(!x.busy, "idle");
});

report();

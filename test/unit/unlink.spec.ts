// Unlink: backend invalidate, then RFC 7009 §2.1 revocation of the refresh
// token and of the access token, one at a time, and the outcome.
import { test, expect, expectEq, report } from "./harness";
import { Unlink, UnlinkOutcome, UnlinkStep } from "../../assembly/auth/unlink";
import { DeviceConfig, parseDeviceConfig } from "../../assembly/auth/config";
import { TokenRecord } from "../../assembly/auth/token_record";
import { HttpRequest, HttpResponse, NET_CONNECT_FAILED, NET_TIMEOUT } from "../../assembly/net/http";
import { parseForm } from "../../assembly/net/form";
import { json } from "./fakes";
import { Fault, fault } from "../../assembly/faults";

function cfg(revocation: bool, invalidate: bool, secret: bool = false): DeviceConfig {
  let s = '{"issuer":"https://as.example","client_id":"tv-1","device_authorization_endpoint":"https://as.example/device","token_endpoint":"https://as.example/token"';
  if (revocation) s += ',"revocation_endpoint":"https://as.example/revoke"';
  if (invalidate) s += ',"invalidate_endpoint":"https://play.example/v1/play/oauth/invalidate"';
  if (secret) s += ',"client_secret":"s3cret"';
  return parseDeviceConfig(s + "}");
}

function rec(refresh: string = "RT-1"): TokenRecord {
  const r = new TokenRecord();
  r.accessToken = "AT-1";
  r.refreshToken = refresh;
  return r;
}

/** Runs the unlink to the end, answering each request with `answer`; returns the URLs and hints in order. */
function run(u: Unlink, answer: (req: HttpRequest) => HttpResponse): string[] {
  const seen = new Array<string>();
  let now: i64 = 0;
  for (let i = 0; i < 10 && u.active; i++) {
    const at = u.nextDeadline();
    expect(at >= 0, "an active unlink always has a deadline");
    now = at;
    const req = u.due(now);
    if (req === null) break;
    expect(u.due(now) === null, "one request at a time");
    const f = parseForm(req.body)!;
    const hint = f.getString("token_type_hint");
    seen.push(req.url + (hint !== null ? " " + hint! : ""));
    u.onResponse(answer(req), now + 5);
  }
  return seen;
}

test("order: invalidate, then revoke the refresh token, then the access token; confirmed when all say yes", () => {
  const u = new Unlink(cfg(true, true));
  u.begin(rec(), 0);
  const seen = run(u, (req) => req.url.indexOf("invalidate") >= 0 ? json(200, '{"ok":true}') : HttpResponse.of(200, ""));
  expectEq<i32>(seen.length, 3, "three requests");
  expectEq<string>(seen[0], "https://play.example/v1/play/oauth/invalidate", "invalidate first");
  expectEq<string>(seen[1], "https://as.example/revoke refresh_token", "refresh token second (RFC 7009 §2.1)");
  expectEq<string>(seen[2], "https://as.example/revoke access_token", "access token last");
  expect(u.finished, "finished");
  expectEq<i32>(u.outcome, UnlinkOutcome.Confirmed, "confirmed");
});

test("RFC 7009 §2.1: the revocation carries token, token_type_hint and client_id (and the secret of a confidential client)", () => {
  const u = new Unlink(cfg(true, false, true));
  u.begin(rec(), 0);
  const req = u.due(0)!;
  const f = parseForm(req.body)!;
  expectEq<string>(f.getString("token")!, "RT-1", "token");
  expectEq<string>(f.getString("client_id")!, "tv-1", "client_id");
  expectEq<string>(f.getString("client_secret")!, "s3cret", "client_secret");
  expect(req.headers.indexOf("application/x-www-form-urlencoded") >= 0, "a form");
});

test("unreachable: every step is still tried, and the outcome says the server was not reached", () => {
  const u = new Unlink(cfg(true, true));
  u.begin(rec(), 0);
  const seen = run(u, (req) => HttpResponse.of(NET_CONNECT_FAILED, ""));
  expectEq<i32>(seen.length, 3, "all three tried");
  expectEq<i32>(u.outcome, UnlinkOutcome.Unreached, "unreached");
  expectEq<string>(u.note, fault(Fault.UnlinkUnreached, NET_CONNECT_FAILED.toString()), "the note names the transport error");
});

test("a timeout on the first revocation still sends the second before the outcome", () => {
  const u = new Unlink(cfg(true, false));
  u.begin(rec(), 0);
  const first = u.due(0)!;
  u.onResponse(HttpResponse.of(NET_TIMEOUT, ""), 5000);
  expect(!u.finished, "not finished after the first");
  expectEq<i32>(u.outcome, UnlinkOutcome.None, "no outcome yet");
  const second = u.due(5000)!;
  expect(second.body.indexOf("access_token") >= 0, "the access token revocation goes out");
  u.onResponse(HttpResponse.of(200, ""), 5001);
  expectEq<i32>(u.outcome, UnlinkOutcome.Unreached, "then the outcome");
  expect(first.body.indexOf("refresh_token") >= 0, "first was the refresh token");
});

test("refusing: a server that answers but does not confirm is told apart from an unreachable one", () => {
  const u = new Unlink(cfg(true, true));
  u.begin(rec(), 0);
  run(u, (req) => req.url.indexOf("invalidate") >= 0 ? json(200, '{"ok":false,"error":"invalid_auth"}') : HttpResponse.of(200, ""));
  expectEq<i32>(u.outcome, UnlinkOutcome.Refused, "refused");
  expectEq<string>(u.note, fault(Fault.InvalidateNotConfirmed, "invalid_auth"), "the note names the backend's error");
  const v = new Unlink(cfg(true, false));
  v.begin(rec(), 0);
  run(v, (req) => json(503, '{"error":"temporarily_unavailable"}'));
  expectEq<i32>(v.outcome, UnlinkOutcome.Refused, "RFC 7009 §2.2: only 200 confirms");
  expectEq<string>(v.note, fault(Fault.RevocationNotConfirmed, "503"), "the note names the status");
});

test("no refresh token: only the access token is revoked", () => {
  const u = new Unlink(cfg(true, false));
  u.begin(rec(""), 0);
  const seen = run(u, (req) => HttpResponse.of(200, ""));
  expectEq<i32>(seen.length, 1, "one request");
  expectEq<string>(seen[0], "https://as.example/revoke access_token", "access token");
});

test("nowhere to tell: finished at once with NoEndpoint, nothing sent", () => {
  const u = new Unlink(cfg(false, false));
  u.begin(rec(), 0);
  expect(u.finished, "finished at once");
  expect(u.due(0) === null, "nothing to send");
  expectEq<i32>(u.outcome, UnlinkOutcome.NoEndpoint, "no endpoint");
});

test("invalidate only (no revocation endpoint): one call, then done", () => {
  const u = new Unlink(cfg(false, true));
  u.begin(rec(), 0);
  const seen = run(u, (req) => json(200, '{"ok":true}'));
  expectEq<i32>(seen.length, 1, "one call");
  expectEq<i32>(u.outcome, UnlinkOutcome.Confirmed, "confirmed");
  expectEq<i32>(u.step, UnlinkStep.Done, "done");
});

test("a completion when nothing is in flight changes nothing", () => {
  const u = new Unlink(cfg(true, false));
  u.begin(rec(), 0);
  u.onResponse(HttpResponse.of(200, ""), 1);
  expectEq<i32>(u.step, UnlinkStep.RevokeRefresh, "still at the first step");
  expect(u.due(1) !== null, "the first request is still due");
});

report();

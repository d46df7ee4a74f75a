// Token lifecycle with a virtual clock: refresh scheduling, rotation
// order, invalid_grant, boot with and without a known wall clock, JWT exp.
import { test, expect, expectEq, report } from "./harness";
import { TokenLifecycle, TokenState, TokenAction, refreshOffset, REASON_POWER_CUT_DURING_REFRESH, REASON_LINK_REVOKED } from "../../assembly/auth/tokens";
import { TokenRecord, encodeRecord, decodeRecord } from "../../assembly/auth/token_record";
import { TokenSet } from "../../assembly/auth/oauth";
import { parseDeviceConfig, DeviceConfig } from "../../assembly/auth/config";
import { Rng } from "../../assembly/auth/backoff";
import { HttpResponse, NET_CONNECT_FAILED } from "../../assembly/net/http";
import { parseForm } from "../../assembly/net/form";
import { jwtExpiry } from "../../assembly/auth/jwt";
import { Fault, fault } from "../../assembly/faults";

class FixedRng extends Rng {
  constructor(public value: u32) { super(); }
  next(): u32 { return this.value; }
}

function cfg(): DeviceConfig {
  return parseDeviceConfig('{"issuer":"https://as.example","device_authorization_endpoint":"https://as.example/d",' +
    '"token_endpoint":"https://as.example/token","client_id":"tv-1"}');
}

function set(at: string, rt: string, expiresIn: i32): TokenSet {
  const t = new TokenSet();
  t.accessToken = at;
  t.refreshToken = rt;
  t.tokenType = "Bearer";
  t.expiresIn = expiresIn;
  return t;
}

const WALL: i64 = 1800000000;

function linked(lifetime: i32, rt: string = "RT1"): TokenLifecycle {
  const l = new TokenLifecycle(cfg(), new FixedRng(0));
  const rec = l.recordFrom(set("AT1", rt, lifetime), WALL, null);
  l.adopt(rec, 0, WALL, true);
  return l;
}

function json(status: i32, body: string): HttpResponse {
  return HttpResponse.of(status, body, "application/json");
}

test("refresh is planned at 80% of the lifetime or 5 min before expiry, whichever is earlier", () => {
  expectEq<i64>(refreshOffset(3600000), 2880000, "1 h: at 48 min (80%)");
  expectEq<i64>(refreshOffset(1200000), 900000, "20 min: 5 min before expiry");
  expectEq<i64>(refreshOffset(20000), 10000, "20 s: the 5 min margin is negative, so half the lifetime");
  expectEq<i64>(refreshOffset(400000), 200000, "400 s: never before half the lifetime");
  const l = linked(3600);
  expectEq<i64>(l.refreshAtMs, 2880000, "scheduled from adoption (no jitter with rng 0)");
  expectEq<i64>(l.expiresAtMs, 3600000, "expiry deadline");
  const j = new TokenLifecycle(cfg(), new FixedRng(0xffffffff));
  j.adopt(j.recordFrom(set("A", "R", 3600), WALL, null), 0, WALL, true);
  expect(j.refreshAtMs < 2880000 && j.refreshAtMs >= 2880000 - 180000, "jitter moves it earlier, by at most 5%");
});

test("RFC 6749 §6 refresh request: grant_type, refresh_token, client_id; nothing before the deadline", () => {
  const l = linked(100);
  expectEq<i32>(l.check(49999), TokenAction.Nothing, "not yet");
  expectEq<i32>(l.check(50000), TokenAction.Send, "due at 50 s (half of a 100 s lifetime)");
  const form = parseForm(l.request!.body)!;
  expectEq<string>(form.getString("grant_type")!, "refresh_token", "grant_type");
  expectEq<string>(form.getString("refresh_token")!, "RT1", "refresh_token");
  expectEq<string>(form.getString("client_id")!, "tv-1", "client_id");
  expectEq<string>(l.request!.url, "https://as.example/token", "token endpoint");
  expectEq<i32>(l.state, TokenState.Refreshing, "refreshing");
});

test("single-flight: a second refresh is not sent while one is in flight", () => {
  const l = linked(100);
  expectEq<i32>(l.check(80000), TokenAction.Send, "first");
  l.refreshNow(80001);
  expectEq<i32>(l.check(80002), TokenAction.Nothing, "no second request");
  expectEq<i32>(l.refreshes, 1, "one refresh");
});

test("rotation: the new record is persisted before the new access token is used", () => {
  const l = linked(100);
  l.check(80000);
  const act = l.onResponse(json(200, '{"access_token":"AT2","refresh_token":"RT2","token_type":"Bearer","expires_in":100}'), 80010, WALL + 80);
  expectEq<i32>(act, TokenAction.Persist, "asks to persist first");
  expectEq<string>(l.pending!.refreshToken, "RT2", "pending holds the rotated refresh token");
  expectEq<string>(l.accessToken(80011), "AT1", "the old access token is still the one in use");
  expectEq<i32>(l.check(80012), TokenAction.Nothing, "nothing else happens until the record is persisted");
  l.commit(80020, WALL + 80);
  expectEq<string>(l.accessToken(80021), "AT2", "new token used only after commit");
  expectEq<string>(l.record!.refreshToken, "RT2", "rotated");
  expectEq<i64>(l.refreshAtMs, 80020 + 50000, "next refresh planned from the new lifetime");
});

test("a refresh answer without a refresh token keeps the old one (RFC 6749 §6)", () => {
  const l = linked(100);
  l.check(80000);
  l.onResponse(json(200, '{"access_token":"AT2","token_type":"Bearer","expires_in":100}'), 80010, WALL);
  expectEq<string>(l.pending!.refreshToken, "RT1", "old refresh token kept");
});

test("invalid_grant means the link is gone", () => {
  const l = linked(100);
  l.check(80000);
  const act = l.onResponse(json(400, '{"error":"invalid_grant","error_description":"grant revoked"}'), 80010, WALL);
  expectEq<i32>(act, TokenAction.Unlink, "unlink");
  expect(l.reason.length > 0, "with a reason");
  l.clear(l.reason);
  expectEq<string>(l.accessToken(80011), "", "no token after clear");
  expectEq<i64>(l.nextDeadline(), -1, "nothing scheduled");
});

test("rotation window: a refresh in flight is marked in flash; invalid_grant after a power cut says so", () => {
  const l = linked(100);
  expectEq<i32>(l.check(80000), TokenAction.Send, "refresh due");
  const mark = l.inFlightMark();
  expect(mark !== null && mark.refreshInFlight, "the record to write before sending is marked");
  expect(l.inFlightMark() === null, "marked once, not on every retry");
  expectEq<string>(mark!.refreshToken, "RT1", "same tokens");
  // Power cut: the marked record is what the next boot loads.
  const booted = new TokenLifecycle(cfg(), new FixedRng(0));
  booted.adopt(decodeRecord(encodeRecord(mark!))!, 0, WALL + 90, false);
  expect(booted.interruptedRefresh, "boot sees the interrupted refresh");
  booted.refreshNow(0);
  expectEq<i32>(booted.check(0), TokenAction.Send, "refresh at once");
  expectEq<i32>(booted.onResponse(json(400, '{"error":"invalid_grant"}'), 10, WALL + 90), TokenAction.Unlink, "link gone");
  expectEq<string>(booted.reason, REASON_POWER_CUT_DURING_REFRESH, "the specific reason");
  // Without the mark the same answer is the generic revocation.
  const plain = linked(100);
  plain.check(80000);
  plain.onResponse(json(400, '{"error":"invalid_grant"}'), 80010, WALL);
  expectEq<string>(plain.reason, REASON_LINK_REVOKED, "generic reason otherwise");
  // A successful refresh clears the mark: the new record is unflagged.
  const ok = linked(100);
  ok.check(80000);
  ok.inFlightMark();
  expectEq<i32>(ok.onResponse(json(200, '{"access_token":"AT2","refresh_token":"RT2","token_type":"Bearer","expires_in":100}'), 80010, WALL), TokenAction.Persist, "persist");
  expect(!ok.pending!.refreshInFlight, "new record not marked");
});

test("an error with an empty code still gives a reason", () => {
  const l = linked(100);
  l.check(80000);
  l.onResponse(json(400, '{"error":"\\u001b"}'), 80010, WALL);
  expectEq<string>(l.reason, fault(Fault.RefreshRefused, "unnamed_error"), "reason names the failure");
});

test("network errors retry with capped backoff until it works, then expired state shown", () => {
  const l = linked(100);
  let now: i64 = 80000;
  expectEq<i32>(l.check(now), TokenAction.Send, "first try");
  let prevDelay: i64 = 0;
  for (let i = 0; i < 8; i++) {
    l.onResponse(HttpResponse.of(NET_CONNECT_FAILED, ""), now, WALL);
    const delay = l.refreshAtMs - now;
    expect(delay >= prevDelay, "grows");
    expect(delay <= 60000, "capped");
    prevDelay = delay;
    now = l.nextDeadline();
    if (now >= 100000 && l.state == TokenState.Linked) {
      l.check(now);
    }
    expectEq<i32>(l.check(max(now, l.refreshAtMs)), TokenAction.Send, "retried");
    now = max(now, l.refreshAtMs);
  }
  expectEq<i32>(l.state, TokenState.Expired, "past expiry while failing: expired (reconnecting)");
  expectEq<string>(l.accessToken(now), "", "an expired token is never handed out");
  const act = l.onResponse(json(200, '{"access_token":"AT2","refresh_token":"RT2","token_type":"Bearer","expires_in":100}'), now, WALL);
  expectEq<i32>(act, TokenAction.Persist, "recovers");
  l.commit(now, WALL);
  expectEq<i32>(l.state, TokenState.Linked, "linked again");
});

test("no refresh token: the device links again at expiry", () => {
  const l = linked(100, "");
  expectEq<i64>(l.refreshAtMs, -1, "no refresh planned");
  expectEq<i64>(l.nextDeadline(), 100000, "wakes at expiry");
  expectEq<i32>(l.check(99999), TokenAction.Nothing, "still valid");
  expectEq<i32>(l.check(100000), TokenAction.Relink, "relink at expiry");
});

test("401 invalid_token triggers an immediate refresh (RFC 6750 §3.1)", () => {
  const l = linked(3600);
  l.refreshNow(5000);
  expectEq<i32>(l.check(5000), TokenAction.Send, "refresh at once");
});

test("boot from flash with a known wall clock: the remaining lifetime counts", () => {
  const l = new TokenLifecycle(cfg(), new FixedRng(0));
  const rec = l.recordFrom(set("AT", "RT", 3600), WALL, null);
  expectEq<i64>(rec.expiresAtWall, WALL + 3600, "wall expiry persisted");
  l.adopt(rec, 1000, WALL + 600, false); // rebooted 10 min later
  expectEq<i64>(l.expiresAtMs, 1000 + 3000000, "50 min left");
  expectEq<i64>(l.refreshAtMs, 1000 + 2880000 - 600000, "refresh at 80% of the original lifetime");
  expectEq<string>(l.accessToken(1000), "AT", "usable");
  const old = new TokenLifecycle(cfg(), new FixedRng(0));
  old.adopt(rec, 1000, WALL + 7200, false); // rebooted after expiry
  expectEq<i32>(old.check(1000), TokenAction.Send, "expired by the wall clock: refresh now");
});

test("boot from flash before time sync (wall clock 0): refresh before first use", () => {
  const l = new TokenLifecycle(cfg(), new FixedRng(0));
  const rec = l.recordFrom(set("AT", "RT", 3600), WALL, null);
  l.adopt(rec, 500, 0, false);
  expectEq<i32>(l.check(500), TokenAction.Send, "refresh at once");
});

test("expires_in absent and a JWT access token: expiry from its exp claim", () => {
  // {"alg":"none"}.{"sub":"a","exp":1800000900}
  const jwt = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIiwiZXhwIjoxODAwMDAwOTAwfQ.sig";
  expectEq<i64>(jwtExpiry(jwt), 1800000900, "exp read");
  expectEq<i64>(jwtExpiry("opaque-token"), 0, "not a JWT");
  expectEq<i64>(jwtExpiry("a.!!!.c"), 0, "bad base64url");
  expectEq<i64>(jwtExpiry("a.e30.c"), 0, "no exp");
  const l = new TokenLifecycle(cfg(), new FixedRng(0));
  const rec = l.recordFrom(set(jwt, "RT", 0), WALL, null);
  expectEq<i64>(rec.expiresAtWall, 1800000900, "expiry from exp");
  expectEq<i32>(rec.lifetimeS, 900, "lifetime from exp - now");
  l.adopt(rec, 0, WALL, true);
  expectEq<i64>(l.expiresAtMs, 900000, "deadline");
  expectEq<i64>(l.refreshAtMs, 600000, "refresh 5 min before expiry (earlier than 80%)");
});

test("a malformed refresh answer is retried, the old tokens kept", () => {
  const l = linked(100);
  l.check(80000);
  const act = l.onResponse(json(200, '{"access_token":7}'), 80010, WALL);
  expectEq<i32>(act, TokenAction.Nothing, "no persist");
  expect(l.pending === null, "nothing pending");
  expectEq<string>(l.accessToken(80011), "AT1", "old token still in use");
  expect(l.refreshAtMs > 80010, "retry planned");
});

report();

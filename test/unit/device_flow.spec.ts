// RFC 8628 device flow, driven with a virtual clock. Each case names the
// section whose MUST it checks.
import { test, expect, expectEq, report } from "./harness";
import { DeviceFlow, LinkState, GRANT_DEVICE_CODE, POLL_GUARD_MS, groupUserCode } from "../../assembly/auth/device_flow";
import { DeviceConfig, parseDeviceConfig } from "../../assembly/auth/config";
import { Rng } from "../../assembly/auth/backoff";
import { HttpRequest, HttpResponse, NET_CONNECT_FAILED, NET_TIMEOUT, NET_BODY_TOO_LARGE } from "../../assembly/net/http";
import { parseForm } from "../../assembly/net/form";
import { Fault, fault } from "../../assembly/faults";

/** A flow state as a word, so a failed expectation reads well. */
function linkStateName(s: LinkState): string {
  switch (s) {
    case LinkState.Unlinked: return "unlinked";
    case LinkState.RequestingCode: return "requesting_code";
    case LinkState.AwaitingApproval: return "awaiting_approval";
    case LinkState.Backoff: return "backoff";
    case LinkState.Linked: return "linked";
    case LinkState.Denied: return "denied";
    case LinkState.CodeExpired: return "code_expired";
    default: return "error";
  }
}

class FixedRng extends Rng {
  constructor(public value: u32) { super(); }
  next(): u32 { return this.value; }
}

function cfg(): DeviceConfig {
  const c = parseDeviceConfig(
    '{"issuer":"https://as.example","device_authorization_endpoint":"https://as.example/device",' +
    '"token_endpoint":"https://as.example/token","client_id":"tv-1","scope":"openid offline_access"}');
  return c;
}

const CODE_OK = '{"device_code":"DEV-123","user_code":"WDJBMJHT","verification_uri":"https://as.example/device",' +
  '"verification_uri_complete":"https://as.example/device?user_code=WDJBMJHT","expires_in":600,"interval":5}';

function json(status: i32, body: string): HttpResponse {
  return HttpResponse.of(status, body, "application/json");
}

/** A flow that has its code (received at t=0) and waits for approval. */
function awaiting(body: string = CODE_OK): DeviceFlow {
  const f = new DeviceFlow(cfg(), new FixedRng(0));
  f.begin(0);
  const req = f.due(0);
  expect(req !== null, "code request due at once");
  f.onResponse(json(200, body), 0);
  return f;
}

/** Advances to the next deadline and returns the poll sent there. */
function nextPoll(f: DeviceFlow): i64 {
  const at = f.nextDeadline();
  expect(f.due(at - 1) === null, "nothing is sent before the deadline");
  const req = f.due(at);
  expect(req !== null, "a poll is sent at the deadline");
  return at;
}

test("§3.1 device authorization request carries client_id and scope as a form", () => {
  const f = new DeviceFlow(cfg(), new FixedRng(0));
  f.begin(1000);
  expectEq<string>(linkStateName(f.state), "requesting_code", "state");
  const req = f.due(1000)!;
  expectEq<string>(req.method, "POST", "method");
  expectEq<string>(req.url, "https://as.example/device", "url");
  expect(req.headers.indexOf("application/x-www-form-urlencoded") >= 0, "form content type");
  expect(req.headers.indexOf("Accept: application/json") >= 0, "asks for JSON");
  const form = parseForm(req.body)!;
  expectEq<string>(form.getString("client_id")!, "tv-1", "client_id");
  expectEq<string>(form.getString("scope")!, "openid offline_access", "scope");
  expect(!form.has("client_secret"), "no secret for a public client");
  expect(f.due(1000) === null, "one request in flight at a time");
});

test("§3.1 a confidential client sends client_secret", () => {
  const c = cfg();
  c.clientSecret = "s3cret";
  const f = new DeviceFlow(c, new FixedRng(0));
  f.begin(0);
  const form = parseForm(f.due(0)!.body)!;
  expectEq<string>(form.getString("client_secret")!, "s3cret", "client_secret in body");
});

test("§3.2 response fields are read; §3.4 first poll one interval after the code", () => {
  const f = awaiting();
  expectEq<string>(linkStateName(f.state), "awaiting_approval", "state");
  expectEq<string>(f.userCode, "WDJBMJHT", "user_code");
  expectEq<string>(f.verificationUri, "https://as.example/device", "verification_uri");
  expectEq<string>(f.verificationUriComplete, "https://as.example/device?user_code=WDJBMJHT", "complete uri");
  expectEq<i64>(f.expiresAtMs, 600000, "expires at");
  expectEq<i64>(f.nextDeadline(), 5000 + POLL_GUARD_MS, "first poll after one interval");
  expect(f.due(4999) === null, "no poll before the interval");
});

test("§3.4 token request: grant_type, device_code, client_id", () => {
  const f = awaiting();
  const at = f.nextDeadline();
  const req = f.due(at)!;
  expectEq<string>(req.url, "https://as.example/token", "token endpoint");
  const form = parseForm(req.body)!;
  expectEq<string>(form.getString("grant_type")!, GRANT_DEVICE_CODE, "grant_type");
  expectEq<string>(form.getString("device_code")!, "DEV-123", "device_code");
  expectEq<string>(form.getString("client_id")!, "tv-1", "client_id");
});

test("§3.2 interval defaults to 5 s when absent", () => {
  const f = awaiting('{"device_code":"d","user_code":"ABCD","verification_uri":"https://x.example/d","expires_in":60}');
  expectEq<i64>(f.intervalMs, 5000, "default interval");
  expectEq<i64>(f.nextDeadline(), 5000 + POLL_GUARD_MS, "first poll at 5 s");
});

test("§3.2 Google's verification_url spelling is accepted", () => {
  const f = awaiting('{"device_code":"d","user_code":"ABCD","verification_url":"https://www.google.com/device","expires_in":60,"interval":5}');
  expectEq<string>(f.verificationUri, "https://www.google.com/device", "verification_url");
});

test("§3.2 form-encoded responses with numeric strings are accepted", () => {
  const f = new DeviceFlow(cfg(), new FixedRng(0));
  f.begin(0);
  f.due(0);
  f.onResponse(HttpResponse.of(200, "device_code=d1&user_code=ABCD-1234&verification_uri=https%3A%2F%2Fgithub.com%2Flogin%2Fdevice&expires_in=900&interval=5",
    "application/x-www-form-urlencoded"), 0);
  expectEq<string>(linkStateName(f.state), "awaiting_approval", "accepted");
  expectEq<string>(f.verificationUri, "https://github.com/login/device", "decoded uri");
  expectEq<i64>(f.expiresAtMs, 900000, "expires");
});

test("§3.5 authorization_pending keeps polling at the interval, on absolute deadlines", () => {
  const f = awaiting();
  let prevAnswer: i64 = 0;
  for (let i = 0; i < 5; i++) {
    const at = nextPoll(f);
    expect(at - prevAnswer >= 5000, "a full interval after the previous answer");
    // The answer arrives 300 ms later; the next poll is one interval after it,
    // so the server sees interval + round trip between polls, never less.
    f.onResponse(json(400, '{"error":"authorization_pending"}'), at + 300);
    expectEq<string>(linkStateName(f.state), "awaiting_approval", "still waiting");
    expectEq<i64>(f.nextDeadline(), at + 300 + 5000 + POLL_GUARD_MS, "absolute deadline from the answer");
    prevAnswer = at + 300;
  }
  expectEq<i32>(f.polls, 5, "five polls");
});

test("§3.5 slow_down adds 5 s for this and every later request", () => {
  const f = awaiting();
  let at = nextPoll(f);
  f.onResponse(json(400, '{"error":"slow_down"}'), at + 10);
  expectEq<i64>(f.intervalMs, 10000, "interval now 10 s");
  const at2 = nextPoll(f);
  expectEq<i64>(at2 - at, 10 + 10000 + POLL_GUARD_MS, "next poll 10 s after the answer");
  f.onResponse(json(400, '{"error":"authorization_pending"}'), at2 + 10);
  const at3 = nextPoll(f);
  expectEq<i64>(at3 - at2, 10 + 10000 + POLL_GUARD_MS, "the larger interval persists");
  f.onResponse(json(400, '{"error":"slow_down"}'), at3 + 10);
  expectEq<i64>(f.intervalMs, 15000, "second slow_down: 15 s");
});

test("§3.5 slow_down with a larger server interval takes the server's", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(json(400, '{"error":"slow_down","interval":30}'), at);
  expectEq<i64>(f.intervalMs, 30000, "server interval");
});

test("§3.5 access_denied stops and says so", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(json(400, '{"error":"access_denied"}'), at);
  expectEq<string>(linkStateName(f.state), "denied", "denied");
  expectEq<i64>(f.nextDeadline(), -1, "no more polls");
  expect(f.due(at + 100000) === null, "nothing sent after denial");
});

test("§3.5 expired_token stops with code_expired", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(json(400, '{"error":"expired_token"}'), at);
  expectEq<string>(linkStateName(f.state), "code_expired", "code_expired");
  expect(f.due(at + 100000) === null, "nothing sent after expiry");
});

test("§3.5 stops at expires_in even if the server keeps saying pending", () => {
  const f = awaiting('{"device_code":"d","user_code":"ABCD","verification_uri":"https://x.example/d","expires_in":12,"interval":5}');
  let at = nextPoll(f);
  f.onResponse(json(400, '{"error":"authorization_pending"}'), at);
  at = nextPoll(f);
  f.onResponse(json(400, '{"error":"authorization_pending"}'), at);
  expectEq<i64>(f.nextDeadline(), 12000, "the deadline is the expiry, not a poll past it");
  expect(f.due(12000) === null, "no poll at expiry");
  expectEq<string>(linkStateName(f.state), "code_expired", "expired by the clock");
});

test("§3.5 errors with HTTP 200 (GitHub style) are honoured", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(HttpResponse.of(200, "error=slow_down&error_description=too+fast", "application/x-www-form-urlencoded"), at);
  expectEq<i64>(f.intervalMs, 10000, "slow_down read from a 200 form body");
});

test("Retry-After on 503 and 429 is honoured", () => {
  const f = awaiting();
  let at = nextPoll(f);
  const r = json(503, "");
  r.retryAfter = "20";
  f.onResponse(r, at + 5);
  expectEq<string>(linkStateName(f.state), "backoff", "backoff shown");
  expectEq<i64>(f.nextDeadline(), at + 5 + POLL_GUARD_MS + 20000, "waits Retry-After");
  at = nextPoll(f);
  const r2 = json(429, "");
  r2.retryAfter = "1";
  f.onResponse(r2, at);
  expectEq<i64>(f.nextDeadline(), at + POLL_GUARD_MS + 5000, "never sooner than the interval");
  expectEq<i64>(f.intervalMs, 5000, "Retry-After does not change the interval");
});

test("connection failures back off with jitter, capped, never sooner than the interval", () => {
  const lo = awaiting();
  const hi = new DeviceFlow(cfg(), new FixedRng(0xffffffff));
  hi.begin(0); hi.due(0); hi.onResponse(json(200, CODE_OK), 0);
  let prevDelay: i64 = 0;
  for (let i = 0; i < 10; i++) {
    const at = nextPoll(lo);
    lo.onResponse(HttpResponse.of(NET_CONNECT_FAILED, ""), at);
    const delay = lo.nextDeadline() - at - POLL_GUARD_MS;
    expect(delay >= 5000, "at least the interval");
    expect(delay <= 60000, "capped at 60 s");
    expect(delay >= prevDelay, "grows");
    prevDelay = delay;
    const at2 = nextPoll(hi);
    hi.onResponse(HttpResponse.of(NET_TIMEOUT, ""), at2);
    const d2 = hi.nextDeadline() - at2 - POLL_GUARD_MS;
    expect(d2 <= 60000, "capped with jitter too");
    expect(d2 >= delay, "jitter moves the delay");
  }
  expectEq<i64>(prevDelay, 30000, "equal jitter at the cap: half of 60 s fixed");
  const at = nextPoll(lo);
  lo.onResponse(json(400, '{"error":"authorization_pending"}'), at);
  expectEq<string>(linkStateName(lo.state), "awaiting_approval", "recovers");
  expectEq<i64>(lo.nextDeadline(), at + 5000 + POLL_GUARD_MS, "back to the interval");
});

test("other RFC 6749 §5.2 errors are configuration errors, not retries", () => {
  const codes = ["invalid_client", "unauthorized_client", "invalid_scope", "invalid_request", "unsupported_grant_type"];
  for (let i = 0; i < codes.length; i++) {
    const f = awaiting();
    const at = nextPoll(f);
    f.onResponse(json(400, '{"error":"' + codes[i] + '","error_description":"client not allowed"}'), at);
    expectEq<string>(linkStateName(f.state), "error", codes[i]);
    expect(f.configError, "marked as configuration");
    expectEq<string>(f.message, fault(Fault.TokenRefused, codes[i] + ": client not allowed"), "the fault names the error and carries the description");
    expectEq<i64>(f.nextDeadline(), -1, "no retry loop");
  }
  const g = new DeviceFlow(cfg(), new FixedRng(0));
  g.begin(0); g.due(0);
  g.onResponse(json(401, '{"error":"invalid_client"}'), 0);
  expectEq<string>(linkStateName(g.state), "error", "on the code request too");
});

test("a poll answer over the board's NET_BODY_CAP: retried, and a refusal after it names the limit", () => {
  const f = awaiting();
  let at = nextPoll(f);
  const big = HttpResponse.of(NET_BODY_TOO_LARGE, "");
  big.bodyCap = 15360;
  f.onResponse(big, at);
  expectEq<string>(linkStateName(f.state), "backoff", "maybe something in between: retried");
  at = nextPoll(f);
  // The server had issued tokens for that answer: the device code is spent.
  f.onResponse(json(400, '{"error":"invalid_grant"}'), at);
  expectEq<string>(linkStateName(f.state), "error", "stops");
  expectEq<string>(f.message, fault(Fault.RefusedOverCap, "15360 invalid_grant"), "names the exact limit and what the server said");
  const g = awaiting();
  const at2 = nextPoll(g);
  g.onResponse(json(400, '{"error":"invalid_grant"}'), at2);
  expectEq<string>(g.message, fault(Fault.TokenRefused, "invalid_grant"), "no limit named without an oversized answer");
});

test("a device authorization request that cannot connect retries with backoff", () => {
  const f = new DeviceFlow(cfg(), new FixedRng(0));
  f.begin(0); f.due(0);
  f.onResponse(HttpResponse.of(NET_CONNECT_FAILED, ""), 100);
  expectEq<string>(linkStateName(f.state), "backoff", "backoff");
  expectEq<string>(f.message, fault(Fault.CodeRetrying, NET_CONNECT_FAILED.toString()), "the wait's reason, shown under the state");
  const at = f.nextDeadline();
  expect(at > 100, "later");
  expect(f.due(at) !== null, "retried");
});

test("success: tokens are read and the flow ends linked", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(json(200, '{"access_token":"AT","refresh_token":"RT","token_type":"Bearer","expires_in":3600,"scope":"openid"}'), at);
  expectEq<string>(linkStateName(f.state), "linked", "linked");
  expectEq<string>(f.tokens!.accessToken, "AT", "access token");
  expectEq<string>(f.tokens!.refreshToken, "RT", "refresh token");
  expectEq<i32>(f.tokens!.expiresIn, 3600, "lifetime");
  expectEq<i64>(f.nextDeadline(), -1, "polling stopped");
});

function codeRejected(body: string, what: string, why: string): void {
  const f = new DeviceFlow(cfg(), new FixedRng(0));
  f.begin(0); f.due(0);
  f.onResponse(json(200, body), 0);
  expectEq<string>(linkStateName(f.state), "error", what);
  expectEq<string>(f.message, why, what + ": the fault");
  expectEq<i64>(f.nextDeadline(), -1, what + ": stops");
}

test("bad device authorization answers end in a clear error", () => {
  codeRejected("not json at all <html>", "non-JSON", fault(Fault.AnswerNotJson));
  codeRejected("[1,2,3]", "not an object", fault(Fault.AnswerNotJson));
  codeRejected('{"user_code":"A","verification_uri":"https://x.example","expires_in":60}', "missing device_code", fault(Fault.AnswerMissing, "device_code"));
  codeRejected('{"device_code":"d","verification_uri":"https://x.example","expires_in":60}', "missing user_code", fault(Fault.AnswerMissing, "user_code"));
  codeRejected('{"device_code":"d","user_code":"A","expires_in":60}', "missing verification_uri", fault(Fault.AnswerMissing, "verification_uri"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example"}', "missing expires_in", fault(Fault.AnswerMissing, "expires_in"));
  codeRejected('{"device_code":7,"user_code":"A","verification_uri":"https://x.example","expires_in":60}', "device_code wrong type", fault(Fault.AnswerMissing, "device_code"));
  codeRejected('{"device_code":"d","user_code":["A"],"verification_uri":"https://x.example","expires_in":60}', "user_code wrong type", fault(Fault.AnswerMissing, "user_code"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":"soon"}', "expires_in wrong type", fault(Fault.AnswerMissing, "expires_in"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":60,"interval":0}', "zero interval", fault(Fault.AnswerOutOfRange, "interval"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":60,"interval":-5}', "negative interval", fault(Fault.AnswerOutOfRange, "interval"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":60,"interval":1e12}', "huge interval", fault(Fault.AnswerOutOfRange, "interval"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":0}', "zero expires_in", fault(Fault.AnswerOutOfRange, "expires_in"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":-1}', "negative expires_in", fault(Fault.AnswerOutOfRange, "expires_in"));
  codeRejected('{"device_code":"d","user_code":"A","verification_uri":"https://x.example","expires_in":99999999999}', "huge expires_in", fault(Fault.AnswerOutOfRange, "expires_in"));
  codeRejected('{"device_code":"d","user_code":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","verification_uri":"https://x.example","expires_in":60}', "overlong user_code", fault(Fault.AnswerBadText, "user_code"));
  codeRejected('{"device_code":"d","user_code":"AB\\u001bCD","verification_uri":"https://x.example","expires_in":60}', "control character in user_code", fault(Fault.AnswerBadText, "user_code"));
  codeRejected('{"device_code":"d","user_code":"ABCD","verification_uri":"javascript:alert(1)","expires_in":60}', "non-http verification_uri", fault(Fault.AnswerNotHttps, "verification_uri"));
  codeRejected('{"device_code":"d","user_code":"ABCD","verification_uri":"ftp://x.example/","expires_in":60}', "ftp verification_uri", fault(Fault.AnswerNotHttps, "verification_uri"));
  codeRejected('{"device_code":"d","user_code":"ABCD","verification_uri":"https://x.example","expires_in":60', "truncated JSON", fault(Fault.AnswerNotJson));
});

test("§3.3 plain-http verification_uri refused unless the authorization server is loopback", () => {
  codeRejected('{"device_code":"d","user_code":"ABCD","verification_uri":"http://evil.example/device","expires_in":60}', "plain http on another host", fault(Fault.AnswerNotHttps, "verification_uri"));
  codeRejected('{"device_code":"d","user_code":"ABCD","verification_uri":"http://127.0.0.1/device","expires_in":60}', "plain http on loopback while the AS is not", fault(Fault.AnswerNotHttps, "verification_uri"));
  const c = parseDeviceConfig('{"issuer":"http://127.0.0.1:9","device_authorization_endpoint":"http://127.0.0.1:9/device",' +
    '"token_endpoint":"http://127.0.0.1:9/token","client_id":"tv-1"}');
  const f = new DeviceFlow(c, new FixedRng(0));
  f.begin(0);
  f.due(0);
  f.onResponse(json(200, '{"device_code":"d","user_code":"ABCD","verification_uri":"http://127.0.0.1:9/device","expires_in":60}'), 0);
  expectEq<string>(linkStateName(f.state), "awaiting_approval", "a loopback AS may use http");
  const g = new DeviceFlow(c, new FixedRng(0));
  g.begin(0);
  g.due(0);
  g.onResponse(json(200, '{"device_code":"d","user_code":"ABCD","verification_uri":"http://evil.example/device","expires_in":60}'), 0);
  expectEq<string>(linkStateName(g.state), "error", "but not to a public name");
  const lan = ["http://192.168.1.20:43123/device", "http://10.0.0.7/device", "http://192.0.2.2:40000/device"];
  for (let i = 0; i < lan.length; i++) {
    const h = new DeviceFlow(c, new FixedRng(0));
    h.begin(0);
    h.due(0);
    h.onResponse(json(200, '{"device_code":"d","user_code":"ABCD","verification_uri":"' + lan[i] + '","expires_in":60}'), 0);
    expectEq<string>(linkStateName(h.state), "awaiting_approval", "this machine's address as an IPv4 literal (--lan): " + lan[i]);
  }
  const notLan = ["http://lan.example/device", "http://192.168.1/device", "http://256.1.1.1/device", "http://010.0.0.1/device"];
  for (let i = 0; i < notLan.length; i++) {
    const h = new DeviceFlow(c, new FixedRng(0));
    h.begin(0);
    h.due(0);
    h.onResponse(json(200, '{"device_code":"d","user_code":"ABCD","verification_uri":"' + notLan[i] + '","expires_in":60}'), 0);
    expectEq<string>(linkStateName(h.state), "error", "not an IPv4 literal: " + notLan[i]);
  }
});

test("user_code bytes that are not UTF-8 are refused, never shown", () => {
  const head = Uint8Array.wrap(String.UTF8.encode('{"device_code":"d","user_code":"'));
  const tail = Uint8Array.wrap(String.UTF8.encode('JBMJHT","verification_uri":"https://x.example","expires_in":60}'));
  const b = new Uint8Array(head.length + 4 + tail.length);
  b.set(head, 0);
  b[head.length] = 0xc1; b[head.length + 1] = 0x97; b[head.length + 2] = 0xc1; b[head.length + 3] = 0x84;
  b.set(tail, head.length + 4);
  const f = new DeviceFlow(cfg(), new FixedRng(0));
  f.begin(0);
  f.due(0);
  const r = HttpResponse.of(200, "", "application/json");
  r.bytes = b;
  f.onResponse(r, 0);
  expectEq<string>(linkStateName(f.state), "error", "refused");
  expectEq<string>(f.userCode, "", "no code shown");
  expectEq<string>(f.message, fault(Fault.AnswerNotJson), "with a reason");
});

test("a bad verification_uri_complete is dropped, the code still shown", () => {
  const f = awaiting('{"device_code":"d","user_code":"ABCD","verification_uri":"https://x.example/d","verification_uri_complete":"data:text/html,hi","expires_in":60}');
  expectEq<string>(linkStateName(f.state), "awaiting_approval", "still usable");
  expectEq<string>(f.verificationUriComplete, "", "dropped");
});

test("bad token answers end in a clear error without the token", () => {
  const bodies = [
    '{"token_type":"Bearer"}',
    '{"access_token":12345,"token_type":"Bearer"}',
    '{"access_token":"SECRET-AT"}',
    '{"access_token":"SECRET-AT","token_type":"mac"}',
    '{"access_token":"SECRET-AT","token_type":"Bearer","expires_in":-3}',
    '{"access_token":"SECRET-AT","token_type":"Bearer","refresh_token":{}}',
    '<html>oops</html>',
  ];
  const faults = [
    fault(Fault.AnswerMissing, "access_token"),
    fault(Fault.AnswerNotString, "access_token"),
    fault(Fault.AnswerMissing, "token_type"),
    fault(Fault.TokenTypeUnsupported, "mac"),
    fault(Fault.AnswerOutOfRange, "expires_in"),
    fault(Fault.AnswerBadText, "refresh_token"),
    fault(Fault.AnswerNotJson),
  ];
  for (let i = 0; i < bodies.length; i++) {
    const f = awaiting();
    const at = nextPoll(f);
    f.onResponse(json(200, bodies[i]), at);
    expectEq<string>(linkStateName(f.state), "error", "body " + i.toString());
    expectEq<string>(f.message, faults[i], "the fault names the field, never the token");
    expect(f.tokens === null, "no tokens kept");
  }
});

test("a 4xx without an OAuth error is a configuration error; a 5xx is transient", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(json(404, "Not Found"), at);
  expectEq<string>(linkStateName(f.state), "error", "404");
  const g = awaiting();
  const at2 = nextPoll(g);
  g.onResponse(json(502, "Bad gateway"), at2);
  expectEq<string>(linkStateName(g.state), "backoff", "502 backs off");
});

test("a new code can be requested after expiry", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.onResponse(json(400, '{"error":"expired_token"}'), at);
  f.begin(at + 1);
  expectEq<string>(linkStateName(f.state), "requesting_code", "asks again");
  expect(f.due(at + 1) !== null, "request sent");
  expectEq<string>(f.userCode, "", "old code forgotten");
});

test("a late answer after reset is ignored", () => {
  const f = awaiting();
  const at = nextPoll(f);
  f.reset();
  f.onResponse(json(200, '{"access_token":"AT","token_type":"Bearer"}'), at);
  expectEq<string>(linkStateName(f.state), "unlinked", "ignored");
  expect(f.tokens === null, "no tokens");
});

test("user codes are grouped for reading", () => {
  expectEq<string>(groupUserCode("WDJBMJHT"), "WDJB-MJHT", "8 chars");
  expectEq<string>(groupUserCode("ABCD-EFGH"), "ABCD-EFGH", "already grouped");
  expectEq<string>(groupUserCode("ABC"), "ABC", "short");
  expectEq<string>(groupUserCode("ABCDEFGHI"), "ABC-DEF-GHI", "9 chars in threes");
});

report();

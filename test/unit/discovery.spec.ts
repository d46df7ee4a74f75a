// Discovery (RFC 8414 §3, OpenID Connect Discovery 1.0 §4) with a virtual clock.
import { test, expect, expectEq, report } from "./harness";
import { Discovery, DiscoveryState } from "../../assembly/auth/discovery";
import { DeviceConfig, parseDeviceConfig } from "../../assembly/auth/config";
import { HttpResponse, NET_CONNECT_FAILED } from "../../assembly/net/http";
import { DISCOVERY_BACKOFF_BASE_MS, DISCOVERY_BACKOFF_CAP_MS } from "../../assembly/limits";
import { FixedRng, json } from "./fakes";
import { Fault, fault } from "../../assembly/faults";

const ISSUER = "https://as.example/tenant";
const DOC = '{"issuer":"https://as.example/tenant","device_authorization_endpoint":"https://as.example/device",' +
  '"token_endpoint":"https://as.example/token","revocation_endpoint":"https://as.example/revoke"}';

function issuerOnly(): DeviceConfig {
  return parseDeviceConfig('{"issuer":"' + ISSUER + '","client_id":"tv-1"}');
}

function started(cfg: DeviceConfig = issuerOnly(), jitter: u32 = 0): Discovery {
  const d = new Discovery(cfg, new FixedRng(jitter));
  d.start(0);
  return d;
}

test("RFC 8414: a config with both endpoints needs no discovery and is ready at once", () => {
  const cfg = parseDeviceConfig('{"issuer":"' + ISSUER + '","client_id":"tv-1","device_authorization_endpoint":"https://as.example/d","token_endpoint":"https://as.example/t"}');
  const d = started(cfg);
  expect(d.ready, "ready");
  expect(d.due(0) === null, "nothing sent");
  expectEq<i64>(d.nextDeadline(), -1, "no deadline");
});

test("OIDC Discovery §4: the first GET goes to {issuer}/.well-known/openid-configuration", () => {
  const d = started();
  expectEq<i32>(d.state, DiscoveryState.Fetching, "fetching");
  const req = d.due(0)!;
  expectEq<string>(req.method, "GET", "method");
  expectEq<string>(req.url, ISSUER + "/.well-known/openid-configuration", "url");
  expect(d.due(0) === null, "one request at a time");
});

test("a good document fills the endpoints and discovery is done", () => {
  const cfg = issuerOnly();
  const d = started(cfg);
  d.due(0);
  d.onResponse(json(200, DOC), 10);
  expectEq<i32>(d.state, DiscoveryState.Done, "done");
  expect(d.ready, "ready");
  expectEq<string>(cfg.tokenEndpoint, "https://as.example/token", "token endpoint");
  expectEq<string>(cfg.revocationEndpoint, "https://as.example/revoke", "revocation endpoint");
});

test("RFC 8414 §3.1: a 404 at the first location falls back to the second, at once", () => {
  const d = started();
  d.due(0);
  d.onResponse(json(404, "not found"), 5);
  expectEq<i64>(d.nextDeadline(), 5, "due at once");
  const req = d.due(5)!;
  expectEq<string>(req.url, "https://as.example/.well-known/oauth-authorization-server/tenant", "RFC 8414 location");
  d.onResponse(json(200, DOC), 6);
  expectEq<i32>(d.state, DiscoveryState.Done, "done from the second location");
});

test("no metadata at either location: failed, with a reason that gives the last status", () => {
  const d = started();
  d.due(0);
  d.onResponse(json(404, ""), 1);
  d.due(1);
  d.onResponse(json(200, "<html>"), 2);
  expectEq<i32>(d.state, DiscoveryState.Failed, "failed");
  expectEq<string>(d.reason, fault(Fault.NoMetadata, "200"), "the reason");
  expectEq<i64>(d.nextDeadline(), -1, "no retry by itself");
});

test("RFC 8414 §3.3: a document for another issuer is refused and fills nothing", () => {
  const cfg = issuerOnly();
  const d = started(cfg);
  d.due(0);
  d.onResponse(json(200, DOC.replace("as.example/tenant", "evil.example/tenant")), 1);
  expectEq<i32>(d.state, DiscoveryState.Failed, "failed");
  expectEq<string>(d.reason, fault(Fault.IssuerMismatch), "reason says issuer");
  expectEq<string>(cfg.tokenEndpoint, "", "no endpoint taken from an untrusted document");
  expect(!d.ready, "not ready");
});

test("a rejected document's endpoints do not survive: a partial document leaves the config as it was", () => {
  const cfg = issuerOnly();
  const d = started(cfg);
  d.due(0);
  // token_endpoint is fine but there is no device endpoint: refused as a whole.
  d.onResponse(json(200, '{"issuer":"' + ISSUER + '","token_endpoint":"https://as.example/token"}'), 1);
  expectEq<i32>(d.state, DiscoveryState.Failed, "failed");
  expectEq<string>(cfg.tokenEndpoint, "", "token endpoint rolled back");
});

test("retry schedule: transport failures and 5xx back off from 2 s doubling to the 60 s cap, same location", () => {
  const d = started(issuerOnly(), 0);
  let now: i64 = 0;
  let expected = DISCOVERY_BACKOFF_BASE_MS;
  for (let i = 0; i < 8; i++) {
    const req = d.due(now)!;
    expect(req.url.indexOf("openid-configuration") >= 0, "same location " + i.toString());
    d.onResponse(i % 2 == 0 ? HttpResponse.of(NET_CONNECT_FAILED, "") : json(503, ""), now);
    expectEq<i32>(d.state, DiscoveryState.Backoff, "backoff " + i.toString());
    // FixedRng(0): equal jitter gives exactly half the step.
    const cap = expected < DISCOVERY_BACKOFF_CAP_MS ? expected : DISCOVERY_BACKOFF_CAP_MS;
    expectEq<i64>(d.nextDeadline() - now, cap / 2, "delay after failure " + (i + 1).toString());
    expect(d.due(d.nextDeadline() - 1) === null, "nothing before the deadline");
    now = d.nextDeadline();
    expected *= 2;
  }
  expectEq<string>(d.reason, fault(Fault.DiscoveryRetrying, "503"), "backoff has a reason with the last status");
});

test("config and discovery faults name the field", () => {
  expectEq<string>(parseDeviceConfig("[1]").error, fault(Fault.ConfigNotObject), "not an object");
  expectEq<string>(parseDeviceConfig('{"issuer":"' + ISSUER + '"}').error, fault(Fault.ConfigNoClientId), "no client_id");
  expectEq<string>(parseDeviceConfig('{"client_id":"c"}').error, fault(Fault.ConfigNoEndpoints), "no issuer, no endpoints");
  expectEq<string>(parseDeviceConfig('{"issuer":"' + ISSUER + '","client_id":5}').error, fault(Fault.ConfigNotString, "client_id"), "wrong type");
  expect(parseDeviceConfig('{"issuer":"ftp://as.example","client_id":"c"}').error.startsWith(fault(Fault.ConfigBadUrl, "issuer ")), "a URL the device may not use");
  expectEq<string>(parseDeviceConfig('{"issuer":"' + ISSUER + '","client_id":"c","scope":""}').error, "", "a usable config");
  const cfg = issuerOnly();
  const d = started(cfg);
  d.due(0);
  d.onResponse(json(200, DOC.replace('"token_endpoint":"https://', '"token_endpoint":"http://')), 1);
  expectEq<i32>(d.state, DiscoveryState.Failed, "failed");
  expect(d.reason.startsWith(fault(Fault.DiscoveryBadUrl, "token_endpoint ")), "names the endpoint: " + d.reason);
  expectEq<string>(cfg.tokenEndpoint, "", "nothing taken");
});

test("start() after a failure tries again from the first location (LINK recovers)", () => {
  const cfg = issuerOnly();
  const d = started(cfg);
  d.due(0);
  d.onResponse(json(200, DOC.replace("as.example/tenant", "evil.example/x")), 1);
  expectEq<i32>(d.state, DiscoveryState.Failed, "failed first");
  d.start(100);
  expectEq<i32>(d.state, DiscoveryState.Fetching, "fetching again");
  expectEq<string>(d.due(100)!.url, ISSUER + "/.well-known/openid-configuration", "first location again");
  d.onResponse(json(200, DOC), 101);
  expect(d.ready, "ready once the server is fixed");
});

test("a late answer after start() again is ignored", () => {
  const d = started();
  d.due(0);
  d.start(5);
  d.onResponse(json(200, DOC), 6);
  expectEq<i32>(d.state, DiscoveryState.Fetching, "the old answer did not count");
});

report();

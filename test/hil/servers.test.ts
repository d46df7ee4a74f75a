// Proves the real parts the hardware-in-loop scenarios stand on: the embedded
// authorization server, the phone, and the fault proxy. The device here is a
// few fetch calls, not the firmware.

import { test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";

import { startAuthServer, type AuthServer, type AuthServerOptions } from "../support/servers.ts";
import { approve, approveComplete, deny } from "../support/phone.ts";
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from "../support/fault-proxy.ts";

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

interface Endpoints {
  device_authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  client_id: string;
  scope: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, any>;
}

async function post(url: string, form: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  let body: Record<string, any>;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    body = { raw: text };
  }
  return { status: res.status, headers: res.headers, body };
}

/** A minimal device client: the three RFC 8628 / RFC 6749 requests. */
function device(cfg: Endpoints) {
  return {
    authorize: () => post(cfg.device_authorization_endpoint, { client_id: cfg.client_id, scope: cfg.scope }),
    poll: (deviceCode: string) =>
      post(cfg.token_endpoint, { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: cfg.client_id }),
    refresh: (refreshToken: string) =>
      post(cfg.token_endpoint, { grant_type: "refresh_token", refresh_token: refreshToken, client_id: cfg.client_id }),
    revoke: (token: string, hint?: string) =>
      post(cfg.revocation_endpoint, { token, client_id: cfg.client_id, ...(hint ? { token_type_hint: hint } : {}) }),
  };
}

async function withServer(
  opts: AuthServerOptions,
  fn: (s: AuthServer) => Promise<void>,
): Promise<void> {
  const s = await startAuthServer(opts);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

async function withProxy(
  s: AuthServer,
  opts: FaultProxyOptions,
  fn: (p: FaultProxy, cfg: Endpoints) => Promise<void>,
): Promise<void> {
  const p = await startFaultProxy(s.url, opts);
  try {
    await fn(p, p.deviceConfigFor(s.deviceConfig()));
  } finally {
    await p.close();
  }
}

/** Device authorization, approval on the phone, first successful poll. */
async function link(s: AuthServer, cfg: Endpoints = s.deviceConfig(), user = "alice") {
  const d = device(cfg);
  const auth = await d.authorize();
  assert.equal(auth.status, 200, JSON.stringify(auth.body));
  await approve(auth.body.verification_uri, auth.body.user_code, { user });
  const tok = await d.poll(auth.body.device_code);
  assert.equal(tok.status, 200, JSON.stringify(tok.body));
  return { d, auth: auth.body, tokens: tok.body };
}

test("device flow: approval yields an access token and a refresh token", async () => {
  await withServer({}, async (s) => {
    const cfg = s.deviceConfig();
    assert.equal(cfg.client_id, "linkfw-device");
    assert.equal(cfg.scope, "openid offline_access");
    assert.ok(cfg.device_authorization_endpoint.startsWith(s.issuer));
    const d = device(cfg);

    const auth = await d.authorize();
    assert.equal(auth.status, 200);
    for (const k of ["device_code", "user_code", "verification_uri", "verification_uri_complete", "expires_in"]) {
      assert.ok(k in auth.body, `device authorization response has ${k}`);
    }
    assert.equal(auth.body.expires_in, 600);
    assert.equal(auth.body.interval, undefined, "oidc-provider sends no interval: clients use 5 s");

    const pending = await d.poll(auth.body.device_code);
    assert.equal(pending.status, 400);
    assert.equal(pending.body.error, "authorization_pending");

    await approve(auth.body.verification_uri, auth.body.user_code, { user: "alice" });

    const tok = await d.poll(auth.body.device_code);
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    assert.equal(typeof tok.body.access_token, "string");
    assert.equal(typeof tok.body.refresh_token, "string");
    assert.equal(tok.body.token_type, "Bearer");
    assert.equal(tok.body.expires_in, 3600);
    assert.match(tok.body.scope, /offline_access/);

    const polls = s.events.filter((e) => e.name === "device_code_poll").map((e) => e.detail.outcome);
    assert.deepEqual(polls, ["authorization_pending", "success"]);
    assert.deepEqual(s.issuedTokens().sort(), [tok.body.access_token, tok.body.refresh_token].sort());
    const logged = JSON.stringify(s.events);
    for (const t of s.issuedSecrets()) assert.ok(!logged.includes(t), "no token value in the event log");

    const info = await s.introspect(tok.body.access_token);
    assert.equal(info.active, true);
    assert.equal(info.sub, "alice");
    assert.equal(info.client_id, "linkfw-device");
  });
});

test("device flow: approval from verification_uri_complete", async () => {
  await withServer({}, async (s) => {
    const d = device(s.deviceConfig());
    const auth = await d.authorize();
    await approveComplete(auth.body.verification_uri_complete, { user: "bob" });
    const tok = await d.poll(auth.body.device_code);
    assert.equal(tok.status, 200);
    assert.equal((await s.introspect(tok.body.access_token)).sub, "bob");
  });
});

test("refresh rotates the refresh token; reusing the spent one is invalid_grant and ends the grant", async () => {
  await withServer({}, async (s) => {
    const { d, tokens } = await link(s);
    const r1 = await d.refresh(tokens.refresh_token);
    assert.equal(r1.status, 200, JSON.stringify(r1.body));
    assert.equal(typeof r1.body.access_token, "string");
    assert.notEqual(r1.body.refresh_token, tokens.refresh_token, "refresh token rotated");
    assert.equal((await s.introspect(r1.body.access_token)).active, true);

    const replay = await d.refresh(tokens.refresh_token);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, "invalid_grant");

    // Reuse detection revoked the whole grant, including the newest tokens.
    const after = await d.refresh(r1.body.refresh_token);
    assert.equal(after.body.error, "invalid_grant");
    assert.equal((await s.introspect(r1.body.access_token)).active, false);

    const refreshes = s.events.filter((e) => e.name === "refresh").map((e) => e.detail.outcome);
    assert.deepEqual(refreshes, ["success", "invalid_grant", "invalid_grant"]);
  });
});

test("deny on the phone gives access_denied", async () => {
  await withServer({}, async (s) => {
    const d = device(s.deviceConfig());
    const a1 = await d.authorize();
    await deny(a1.body.verification_uri, a1.body.user_code);
    const r1 = await d.poll(a1.body.device_code);
    assert.equal(r1.status, 400);
    assert.equal(r1.body.error, "access_denied");

    const a2 = await d.authorize();
    await deny(a2.body.verification_uri, a2.body.user_code, { at: "consent" });
    assert.equal((await d.poll(a2.body.device_code)).body.error, "access_denied");
  });
});

test("a device code past its lifetime gives expired_token", async () => {
  await withServer({ deviceCodeTtl: 2 }, async (s) => {
    const d = device(s.deviceConfig());
    const auth = await d.authorize();
    assert.equal(auth.body.expires_in, 2);
    assert.equal((await d.poll(auth.body.device_code)).body.error, "authorization_pending");
    await sleep(3100);
    const r = await d.poll(auth.body.device_code);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, "expired_token");
    await assert.rejects(approve(auth.body.verification_uri, auth.body.user_code), /not accepted|expired/);
  });
});

test("revokeGrantsFor ends the link: refresh is invalid_grant", async () => {
  await withServer({}, async (s) => {
    const alice = await link(s, s.deviceConfig(), "alice");
    const bob = await link(s, s.deviceConfig(), "bob");
    assert.equal(await s.revokeGrantsFor("alice"), 1);
    assert.equal((await alice.d.refresh(alice.tokens.refresh_token)).body.error, "invalid_grant");
    assert.equal((await s.introspect(alice.tokens.access_token)).active, false);
    assert.equal((await bob.d.refresh(bob.tokens.refresh_token)).status, 200, "other accounts untouched");
    assert.equal(await s.revokeGrantsFor(), 1);
    assert.equal(await s.revokeGrantsFor(), 0);
  });
});

test("introspection: active token, then RFC 7009 revocation, then expiry", async () => {
  await withServer({ accessTokenTtl: 2 }, async (s) => {
    const { d, tokens } = await link(s);
    const info = await s.introspect(tokens.access_token);
    assert.equal(info.active, true);
    assert.equal(info.token_type, "Bearer");
    assert.ok(typeof info.exp === "number");

    const rev = await d.revoke(tokens.access_token, "access_token");
    assert.equal(rev.status, 200);
    assert.equal((await s.introspect(tokens.access_token)).active, false);
    assert.equal((await s.introspect("not-a-token")).active, false);

    // Revoking the refresh token (RFC 7009 §2.1) ends the grant.
    const r = await d.refresh(tokens.refresh_token);
    assert.equal(r.status, 200);
    await sleep(2100);
    assert.equal((await s.introspect(r.body.access_token)).active, false, "expired access token is inactive");
    assert.equal((await d.revoke(r.body.refresh_token, "refresh_token")).status, 200);
    assert.equal((await d.refresh(r.body.refresh_token)).body.error, "invalid_grant");
  });
});

test("fault proxy: forwards the flow and rewrites interval and expires_in", async () => {
  await withServer({}, async (s) => {
    await withProxy(s, { interval: 1, expiresIn: 30 }, async (p, cfg) => {
      assert.ok(cfg.token_endpoint.startsWith(p.url));
      assert.equal(new URL(cfg.token_endpoint).pathname, new URL(s.deviceConfig().token_endpoint).pathname);
      const d = device(cfg);
      const auth = await d.authorize();
      assert.equal(auth.body.interval, 1);
      assert.equal(auth.body.expires_in, 30);
      assert.ok(auth.body.verification_uri.startsWith(s.url), "phone goes to the server itself");
      assert.equal((await d.poll(auth.body.device_code)).body.error, "authorization_pending");
      await approve(auth.body.verification_uri, auth.body.user_code);
      const tok = await d.poll(auth.body.device_code);
      assert.equal(tok.status, 200);
      assert.ok(tok.body.refresh_token);
      assert.equal((await d.refresh(tok.body.refresh_token)).status, 200);
      assert.equal(p.polls.length, 2);
      assert.deepEqual(
        p.requests.map((r) => [r.endpoint, r.grantType ?? "", r.status]),
        [
          ["device", "", 200],
          ["token", "device_code", 400],
          ["token", "device_code", 200],
          ["token", "refresh_token", 200],
        ],
      );
    });
  });
});

test("fault proxy: slow_down, 503 with Retry-After, pending200, raw body, drop, delay", async () => {
  await withServer({}, async (s) => {
    await withProxy(s, {}, async (p, cfg) => {
      const d = device(cfg);
      p.faults.push({ kind: "status", status: 503, retryAfter: 7, endpoint: "device" });
      const busy = await d.authorize();
      assert.equal(busy.status, 503);
      assert.equal(busy.headers.get("retry-after"), "7");
      const auth = await d.authorize();
      assert.equal(auth.status, 200);
      assert.equal(auth.body.interval, undefined, "no rewrite asked for");
      const dc = auth.body.device_code;

      p.faults.push(
        { kind: "slow_down" },
        { kind: "status", status: 503, retryAfter: 2 },
        { kind: "pending200" },
        { kind: "body", status: 200, body: "{not json", contentType: "application/json" },
        { kind: "body", status: 400, body: "error=authorization_pending", contentType: "application/x-www-form-urlencoded" },
      );
      const sd = await d.poll(dc);
      assert.deepEqual([sd.status, sd.body.error], [400, "slow_down"]);
      const su = await d.poll(dc);
      assert.deepEqual([su.status, su.headers.get("retry-after")], [503, "2"]);
      const gh = await d.poll(dc);
      assert.deepEqual([gh.status, gh.body.error], [200, "authorization_pending"]);
      const bad = await d.poll(dc);
      assert.deepEqual([bad.status, bad.body.raw], [200, "{not json"]);
      const formErr = await d.poll(dc);
      assert.equal(formErr.headers.get("content-type"), "application/x-www-form-urlencoded");
      assert.equal(formErr.body.raw, "error=authorization_pending");
      assert.equal(p.faults.length, 0);
      // None of those reached the server.
      assert.equal(s.events.filter((e) => e.name === "device_code_poll").length, 0);

      p.faults.push({ kind: "drop" });
      await assert.rejects(d.poll(dc), /fetch failed/);

      p.faults.push({ kind: "delay", ms: 300 });
      const t0 = performance.now();
      const late = await d.poll(dc);
      assert.ok(performance.now() - t0 >= 290, "answer delayed");
      assert.equal(late.body.error, "authorization_pending", "delayed answer is the server's");

      // Faults wait for the endpoint and grant type they target.
      p.faults.push({ kind: "status", status: 500, grantType: "refresh_token" });
      assert.equal((await d.poll(dc)).body.error, "authorization_pending");
      assert.equal(p.faults.length, 1);

      assert.equal(p.polls.length, 8);
      assert.deepEqual(
        p.requests.filter((r) => r.endpoint === "token").map((r) => r.fault ?? "-"),
        ["slow_down", "status", "pending200", "body", "body", "drop", "delay", "-"],
      );
    });
  });
});

test("fault proxy: a lost token answer; re-polling a spent device_code is invalid_grant and revokes the grant", async () => {
  await withServer({}, async (s) => {
    await withProxy(s, {}, async (p, cfg) => {
      const d = device(cfg);
      const auth = await d.authorize();
      await approve(auth.body.verification_uri, auth.body.user_code);
      p.faults.push({ kind: "drop", afterForward: true });
      await assert.rejects(d.poll(auth.body.device_code), /fetch failed/);
      const [issuedAccess] = s.issuedTokens();
      assert.equal((await s.introspect(issuedAccess)).active, true, "the server did issue tokens");
      const retry = await d.poll(auth.body.device_code);
      assert.equal(retry.body.error, "invalid_grant");
      assert.equal((await s.introspect(issuedAccess)).active, false, "reuse of the code revoked the grant");
      assert.deepEqual(
        s.events.filter((e) => e.name === "device_code_poll").map((e) => e.detail.outcome),
        ["success", "invalid_grant"],
      );
    });
  });
});

test("fault proxy strict mode answers slow_down to early polls and raises the interval by 5 s", async () => {
  await withServer({}, async (s) => {
    await withProxy(s, { interval: 1, strict: true }, async (p, cfg) => {
      const d = device(cfg);
      const auth = await d.authorize();
      const dc = auth.body.device_code;
      assert.equal(p.requiredInterval(dc), 1);

      const early = await d.poll(dc);
      assert.equal(early.body.error, "slow_down", "first poll before one interval");
      assert.equal(p.slowDowns, 1);
      assert.equal(p.requiredInterval(dc), 6);

      const again = await d.poll(dc);
      assert.equal(again.body.error, "slow_down");
      assert.equal(p.requiredInterval(dc), 11);
      assert.equal(p.slowDowns, 2);
      assert.equal(s.events.filter((e) => e.name === "device_code_poll").length, 0, "server never saw them");
    });

    await withProxy(s, { interval: 1, strict: true }, async (p, cfg) => {
      const d = device(cfg);
      const auth = await d.authorize();
      const dc = auth.body.device_code;
      await sleep(1050);
      assert.equal((await d.poll(dc)).body.error, "authorization_pending", "polite poll goes through");
      await sleep(1050);
      assert.equal((await d.poll(dc)).body.error, "authorization_pending");
      assert.equal(p.slowDowns, 0);
      // A queued slow_down fault raises the strict interval as well.
      p.faults.push({ kind: "slow_down" });
      await sleep(1050);
      assert.equal((await d.poll(dc)).body.error, "slow_down");
      assert.equal(p.requiredInterval(dc), 6);
      assert.equal((await d.poll(dc)).body.error, "slow_down");
      assert.equal(p.slowDowns, 1);
      assert.equal(p.polls.length, 4);
    });
  });
});

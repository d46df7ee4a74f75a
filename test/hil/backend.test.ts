// The embedded action backend (host/backend.ts) over real HTTP, with a fake
// introspection (a map of token -> claims) standing in for the
// authorization server. The device here is plain fetch calls.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";

import {
  tokenHash, orderStatus, INVALIDATE_PATH, DEMO_SCHEDULE, type IntrospectResult,
} from "../../host/backend.ts";
import { startBackend, type Backend, type BackendOptions } from "../support/servers.ts";

const tok = () => randomBytes(24).toString("base64url");

const ALICE = tok();
const BOB = tok();
const EXPIRED = tok();
const UNKNOWN = tok();
const FIXED_NOW = new Date(2025, 10, 23, 8, 30); // Sunday 23 November 2025, local time

function claimsMap(): Map<string, IntrospectResult> {
  const nowS = Math.floor(FIXED_NOW.getTime() / 1000);
  return new Map<string, IntrospectResult>([
    [ALICE, { active: true, sub: "alice", client_id: "device", exp: nowS + 3600 }],
    [BOB, { active: true, sub: "bob", client_id: "device" }],
    [EXPIRED, { active: true, sub: "carol", client_id: "device", exp: nowS - 1 }],
  ]);
}

interface Harness {
  backend: Backend;
  logs: string[];
  revoked: string[];
  introspected: string[];
}

async function start(extra: Partial<BackendOptions> = {}): Promise<Harness> {
  const claims = claimsMap();
  const logs: string[] = [];
  const revoked: string[] = [];
  const introspected: string[] = [];
  const backend = await startBackend({
    introspect: async (t) => {
      introspected.push(t);
      return claims.get(t) ?? { active: false };
    },
    revoke: async (t) => {
      revoked.push(t);
      claims.delete(t);
    },
    log: (line) => logs.push(line),
    now: () => FIXED_NOW,
    ...extra,
  });
  return { backend, logs, revoked, introspected };
}

function actionBody(
  actionName: string,
  token: string,
  params: Record<string, { type: string; value: string }> = {},
  sessionId = "6f1c2d4e-0000-4000-8000-000000000001",
): Record<string, any> {
  return {
    version: "2.0",
    action: { actionName, parameters: params },
    context: {
      session: { id: sessionId, isNew: true, accessToken: token },
      device: { type: "speaker", state: {} },
    },
  };
}

interface Answer {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

async function call(
  base: string,
  path: string,
  init: { token?: string | null; authorization?: string; body?: unknown; raw?: string | Uint8Array; contentType?: string; method?: string },
): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (init.authorization !== undefined) headers.authorization = init.authorization;
  else if (init.token) headers.authorization = `Bearer ${init.token}`;
  headers["content-type"] = init.contentType ?? "application/json";
  const res = await fetch(base + path, {
    method: init.method ?? "POST",
    headers,
    body: init.method === "GET" ? undefined : ((init.raw ?? JSON.stringify(init.body ?? {})) as BodyInit),
  });
  const text = await res.text();
  let body: any = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, headers: res.headers, body, text };
}

async function act(h: Harness, action: string, token: string, params = {}): Promise<Answer> {
  return call(h.backend.url, "/" + action, { token, body: actionBody(action, token, params) });
}

async function invalidate(h: Harness, form: string, contentType = "application/x-www-form-urlencoded"): Promise<Answer> {
  return call(h.backend.url, INVALIDATE_PATH, { raw: form, contentType });
}

let h: Harness;
before(async () => {
  h = await start();
});
after(async () => {
  await h.backend.close();
});

function assertPlayAnswer(a: Answer, resultCode: string): void {
  assert.equal(a.status, 200, a.text);
  assert.match(a.headers.get("content-type") ?? "", /^application\/json/);
  assert.equal(a.body.version, "2.0");
  assert.equal(a.body.resultCode, resultCode);
  assert.deepEqual(a.body.directives, []);
}

test("listens on loopback, on a free port by default", async () => {
  assert.match(h.backend.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const other = await start();
  try {
    assert.notEqual(other.backend.url, h.backend.url);
  } finally {
    await other.backend.close();
  }
});

test("WhoAmI answers the introspected subject", async () => {
  const a = await act(h, "WhoAmI", ALICE);
  assertPlayAnswer(a, "OK");
  assert.deepEqual(Object.keys(a.body), ["version", "resultCode", "output", "directives"]);
  assert.equal(a.body.output.speech, "You are signed in as alice.");
  assert.equal(a.body.output.display, "Signed in as alice");
  const b = await act(h, "WhoAmI", BOB);
  assert.equal(b.body.output.speech, "You are signed in as bob.");
});

test("TodaySchedule gives today's fixed schedule", async () => {
  const a = await act(h, "TodaySchedule", ALICE);
  assertPlayAnswer(a, "OK");
  assert.equal(
    a.body.output.speech,
    "Today, Sunday 23 November, you have 3 events: team stand-up at 9 AM, lunch with Sam at 12:30 PM, and dentist at 4 PM.",
  );
  const lines = a.body.output.display.split("\n");
  assert.equal(lines[0], "2025-11-23");
  assert.deepEqual(lines.slice(1), DEMO_SCHEDULE.map(([hhmm, , what]) => `${hhmm} ${what}`));
});

test("OrderStatus is deterministic per order number", async () => {
  const one = await act(h, "OrderStatus", ALICE, { orderNumber: { type: "NUMBER", value: "12345" } });
  assertPlayAnswer(one, "OK");
  assert.equal(one.body.output.speech, "Order 12345 was delivered.");
  assert.equal(one.body.output.display, "Order 12345: Delivered");
  const again = await act(h, "OrderStatus", ALICE, { orderNumber: { type: "NUMBER", value: "12345" } });
  assert.deepEqual(again.body, one.body);

  const seen = new Set<string>();
  for (const n of ["1000", "1001", "1002", "1003"]) {
    const a = await act(h, "OrderStatus", BOB, { orderNumber: { type: "NUMBER", value: n } });
    assertPlayAnswer(a, "OK");
    assert.deepEqual(a.body.output, { speech: orderStatus(n).speech, display: orderStatus(n).display });
    seen.add(a.body.output.display.split(": ")[1]);
  }
  assert.equal(seen.size, 4, "four numbers cover the four states");
});

test("OrderStatus: unknown numbers are ORDER_NOT_FOUND, bad parameters INVALID_PARAMETER", async () => {
  for (const n of ["123", "0123", "12345678901", "7"]) {
    const a = await act(h, "OrderStatus", ALICE, { orderNumber: { type: "NUMBER", value: n } });
    assertPlayAnswer(a, "ORDER_NOT_FOUND");
    assert.equal(a.body.output.speech, `I couldn't find order ${n}.`);
  }
  for (const params of [{}, { orderNumber: { type: "TEXT", value: "1234" } }, { orderNumber: { type: "NUMBER", value: "12a4" } }]) {
    const a = await act(h, "OrderStatus", ALICE, params);
    assertPlayAnswer(a, "INVALID_PARAMETER");
    assert.equal(typeof a.body.output.speech, "string");
  }
});

test("unknown actions, and the local Unlink, are UNKNOWN_ACTION", async () => {
  for (const name of ["PlayMusic", "Unlink"]) {
    const a = await act(h, name, ALICE);
    assertPlayAnswer(a, "UNKNOWN_ACTION");
    assert.equal(a.body.output, undefined);
  }
});

test("every backend action of config/actions.json is answered OK", async () => {
  const table = JSON.parse(readFileSync(new URL("../../config/actions.json", import.meta.url), "utf8"));
  assert.equal(table.version, 1);
  const names: string[] = [];
  for (const action of table.actions) {
    if (action.local) continue;
    names.push(action.name);
    const params: Record<string, { type: string; value: string }> = {};
    for (const [p, type] of Object.entries(action.parameters ?? {})) {
      params[p] = { type: type as string, value: type === "NUMBER" ? "4242" : "something" };
    }
    const a = await act(h, action.name, ALICE, params);
    assertPlayAnswer(a, "OK");
    assert.ok(a.body.output.speech.length > 0, action.name);
  }
  assert.deepEqual(names.sort(), ["OrderStatus", "TodaySchedule", "WhoAmI"]);
  const local = table.actions.filter((a: any) => a.local);
  assert.deepEqual(local.map((a: any) => [a.name, a.local]), [["Unlink", "unlink"]]);
});

test("the unit tests' copy of the demo table is config/actions.json", () => {
  const config = JSON.parse(readFileSync(new URL("../../config/actions.json", import.meta.url), "utf8"));
  const spec = readFileSync(new URL("../unit/actions.spec.ts", import.meta.url), "utf8");
  const copy = /const DEMO_TABLE = `([^`]*)`;/.exec(spec);
  assert.ok(copy, "actions.spec.ts has a DEMO_TABLE literal");
  assert.deepEqual(JSON.parse(copy[1]), config);
});

test("401 without credentials: WWW-Authenticate Bearer with no error code (RFC 6750 §3.1)", async () => {
  const a = await call(h.backend.url, "/WhoAmI", { body: actionBody("WhoAmI", ALICE) });
  assert.equal(a.status, 401);
  const www = a.headers.get("www-authenticate") ?? "";
  assert.match(www, /^Bearer( |$)/);
  assert.doesNotMatch(www, /error=/);
  const b = await call(h.backend.url, "/WhoAmI", { authorization: `Basic ${Buffer.from("a:b").toString("base64")}`, body: actionBody("WhoAmI", ALICE) });
  assert.equal(b.status, 401, "another scheme counts as no Bearer credentials");
  assert.doesNotMatch(b.headers.get("www-authenticate") ?? "", /error=/);
  assert.match(b.headers.get("www-authenticate") ?? "", /^Bearer/);
});

test("401 invalid_token for unknown, inactive and expired tokens", async () => {
  for (const t of [UNKNOWN, EXPIRED]) {
    const a = await act(h, "WhoAmI", t);
    assert.equal(a.status, 401);
    const www = a.headers.get("www-authenticate") ?? "";
    assert.match(www, /^Bearer /);
    assert.match(www, /error="invalid_token"/);
    assert.equal(a.body.version, "2.0");
    assert.notEqual(a.body.resultCode, "OK");
  }
});

test("a malformed Bearer credential is 400 invalid_request", async () => {
  const a = await call(h.backend.url, "/WhoAmI", { authorization: "Bearer two words", body: actionBody("WhoAmI", ALICE) });
  assert.equal(a.status, 400);
  assert.match(a.headers.get("www-authenticate") ?? "", /error="invalid_request"/);
});

test("the session token must be the bearer token", async () => {
  const body = actionBody("WhoAmI", BOB);
  const a = await call(h.backend.url, "/WhoAmI", { token: ALICE, body });
  assert.equal(a.status, 401);
  assert.match(a.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
  const c = await call(h.backend.url, "/WhoAmI", { token: ALICE, body: actionBody("WhoAmI", ALICE + "x") });
  assert.equal(c.status, 401);
});

test("bad request bodies are 400 INVALID_REQUEST", async () => {
  const bad: Array<[string, unknown]> = [];
  const mutate = (name: string, f: (b: any) => void) => {
    const b = actionBody("WhoAmI", ALICE);
    f(b);
    bad.push([name, b]);
  };
  mutate("wrong version", (b) => (b.version = "1.0"));
  mutate("no version", (b) => delete b.version);
  mutate("actionName differs from the path", (b) => (b.action.actionName = "TodaySchedule"));
  mutate("no action", (b) => delete b.action);
  mutate("parameters not an object", (b) => (b.action.parameters = []));
  mutate("parameter value not a string", (b) => (b.action.parameters = { n: { type: "NUMBER", value: 5 } }));
  mutate("no session", (b) => delete b.context.session);
  mutate("isNew not a boolean", (b) => (b.context.session.isNew = "true"));
  mutate("empty session id", (b) => (b.context.session.id = ""));
  mutate("no session token", (b) => delete b.context.session.accessToken);
  mutate("no device state", (b) => delete b.context.device.state);
  mutate("device type not a string", (b) => (b.context.device.type = 1));
  bad.push(["array body", [1, 2]]);
  for (const [name, body] of bad) {
    const a = await call(h.backend.url, "/WhoAmI", { token: ALICE, body });
    assert.equal(a.status, 400, name);
    assert.equal(a.text, '{"version":"2.0","resultCode":"INVALID_REQUEST"}', name);
  }
  const notJson = await call(h.backend.url, "/WhoAmI", { token: ALICE, raw: "{not json" });
  assert.equal(notJson.status, 400);
  assert.deepEqual(notJson.body, { version: "2.0", resultCode: "INVALID_REQUEST" });
  const badUtf8 = await call(h.backend.url, "/WhoAmI", { token: ALICE, raw: new Uint8Array([0x7b, 0xff, 0x7d]) });
  assert.equal(badUtf8.status, 400);
  const plain = await call(h.backend.url, "/WhoAmI", { token: ALICE, body: actionBody("WhoAmI", ALICE), contentType: "text/plain" });
  assert.equal(plain.status, 415);
  assert.equal(plain.body.resultCode, "INVALID_REQUEST");
});

test("methods and paths outside the API", async () => {
  const get = await call(h.backend.url, "/WhoAmI", { token: ALICE, method: "GET" });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get("allow"), "POST");
  const nested = await call(h.backend.url, "/a/b", { token: ALICE, body: {} });
  assert.equal(nested.status, 404);
});

test("an unreachable authorization server is 503, not 401", async () => {
  const down = await start({
    introspect: async () => {
      throw new Error("connection refused");
    },
  });
  try {
    const a = await act(down, "WhoAmI", ALICE);
    assert.equal(a.status, 503);
    assert.equal(a.body.resultCode, "AUTH_UNAVAILABLE");
    const i = await invalidate(down, new URLSearchParams({ token: ALICE }).toString());
    assert.equal(i.status, 503);
    assert.equal(i.body.ok, false);
  } finally {
    await down.backend.close();
  }
});

test("invalidate: an active token is revoked and answered ok", async () => {
  const own = await start();
  try {
    const token = BOB;
    assert.equal((await act(own, "WhoAmI", token)).status, 200);
    const a = await invalidate(own, new URLSearchParams({ token }).toString());
    assert.equal(a.status, 200);
    assert.equal(a.text, '{"ok":true}');
    assert.deepEqual(own.revoked, [token]);
    const after = await act(own, "WhoAmI", token);
    assert.equal(after.status, 401, "the invalidated token no longer works");
    assert.match(after.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    const twice = await invalidate(own, new URLSearchParams({ token }).toString());
    assert.equal(twice.text, '{"ok":false,"error":"invalid_auth"}');
  } finally {
    await own.backend.close();
  }
});

test("invalidate stays refused here even if the authorization server forgets to revoke", async () => {
  const own = await start({ revoke: async () => {} });
  try {
    assert.equal((await invalidate(own, `token=${encodeURIComponent(ALICE)}`)).body.ok, true);
    assert.equal((await act(own, "WhoAmI", ALICE)).status, 401);
  } finally {
    await own.backend.close();
  }
});

test("invalidate: unknown, missing or expired tokens are invalid_auth", async () => {
  for (const form of [`token=${UNKNOWN}`, `token=${EXPIRED}`, "", "token=", "other=1"]) {
    const a = await invalidate(h, form);
    assert.equal(a.status, 200, form);
    assert.equal(a.text, '{"ok":false,"error":"invalid_auth"}', form);
  }
  assert.deepEqual(h.revoked, []);
  const json = await invalidate(h, JSON.stringify({ token: ALICE }), "application/json");
  assert.equal(json.status, 400);
  assert.deepEqual(json.body, { ok: false, error: "invalid_request" });
  const twice = await invalidate(h, `token=${UNKNOWN}&token=${ALICE}`);
  assert.equal(twice.status, 400);
  assert.deepEqual(h.revoked, []);
});

test("invalidate: a failed revocation is reported", async () => {
  const own = await start({
    revoke: async () => {
      throw new Error("down");
    },
  });
  try {
    const a = await invalidate(own, `token=${ALICE}`);
    assert.equal(a.status, 502);
    assert.deepEqual(a.body, { ok: false, error: "revoke_failed" });
  } finally {
    await own.backend.close();
  }
});

test("bodies over maxBodyBytes are 413", async () => {
  const own = await start({ maxBodyBytes: 1024 });
  try {
    const body = actionBody("WhoAmI", ALICE);
    const base = JSON.stringify(body).length;
    const fits = { ...body, pad: "x".repeat(1024 - base - ',"pad":""'.length) };
    assert.equal(JSON.stringify(fits).length, 1024);
    const ok = await call(own.backend.url, "/WhoAmI", { token: ALICE, body: fits });
    assert.equal(ok.status, 200, "exactly the limit is fine");
    const over = { ...body, pad: "x".repeat(1025 - base - ',"pad":""'.length) };
    const a = await call(own.backend.url, "/WhoAmI", { token: ALICE, body: over });
    assert.equal(a.status, 413);
    assert.equal(a.body.resultCode, "INVALID_REQUEST");
    const big = await call(own.backend.url, "/WhoAmI", { token: ALICE, raw: "x".repeat(2 * 1024 * 1024) });
    assert.equal(big.status, 413);
    const inv = await invalidate(own, `token=${ALICE}&pad=${"y".repeat(2000)}`);
    assert.equal(inv.status, 413);
    assert.equal(inv.body.ok, false);
    assert.deepEqual(own.revoked, []);
    assert.deepEqual(own.introspected, [ALICE], "oversized requests are refused before any token lookup");
    const again = await act(own, "WhoAmI", ALICE);
    assert.equal(again.status, 200, "the server still answers");
  } finally {
    await own.backend.close();
  }
});

test("a body declared far past the limit is refused and the connection cut", async () => {
  const own = await start({ maxBodyBytes: 1024 });
  try {
    const status = await new Promise<number | string>((resolve) => {
      const req = httpRequest(own.backend.url + "/WhoAmI", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(64 * 1024 * 1024) },
      });
      req.on("response", (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", (e) => resolve((e as NodeJS.ErrnoException).code ?? "error"));
      req.write("x".repeat(4096));
    });
    assert.ok(status === 413 || typeof status === "string", `got ${status}`);
    assert.equal((await act(own, "WhoAmI", ALICE)).status, 200, "the server still answers");
  } finally {
    await own.backend.close();
  }
});

test("recorded requests and log lines never hold a token value", async () => {
  const own = await start();
  const secrets = [ALICE, BOB, EXPIRED, UNKNOWN];
  try {
    await act(own, "WhoAmI", ALICE);
    await act(own, "OrderStatus", ALICE, { orderNumber: { type: "NUMBER", value: "4242" } });
    await act(own, "WhoAmI", UNKNOWN);
    await act(own, "WhoAmI", EXPIRED);
    await call(own.backend.url, "/WhoAmI", { token: ALICE, body: actionBody("WhoAmI", BOB) });
    await call(own.backend.url, "/WhoAmI", { token: ALICE, raw: `{"broken": "${ALICE}"` });
    await call(own.backend.url, "/WhoAmI", {
      token: ALICE,
      body: actionBody("WhoAmI", ALICE, { note: { type: "TEXT", value: `my token is ${ALICE}` } }),
    });
    await call(own.backend.url, `/WhoAmI?access_token=${ALICE}`, { token: ALICE, body: actionBody("WhoAmI", ALICE) });
    await call(own.backend.url, "/WhoAmI", { authorization: `Bearer ${BOB} extra`, body: actionBody("WhoAmI", BOB) });
    await invalidate(own, `token=${encodeURIComponent(UNKNOWN)}`);
    await invalidate(own, `token=${encodeURIComponent(BOB)}`);

    assert.ok(own.backend.requests.length >= 11);
    const recorded = JSON.stringify(own.backend.requests);
    const logs = own.logs.join("\n");
    for (const s of secrets) {
      assert.ok(!recorded.includes(s), "a token value is in the recorded requests");
      assert.ok(!logs.includes(s), "a token value is in the log");
      // Also no long piece of one (e.g. a truncated copy).
      assert.ok(!recorded.includes(s.slice(0, 16)), "a piece of a token is in the recorded requests");
    }
    const first = own.backend.requests[0];
    assert.equal(first.method, "POST");
    assert.equal(first.path, "/WhoAmI");
    assert.equal(first.status, 200);
    assert.equal(first.result, "OK");
    assert.equal(first.headers.authorization, `Bearer ${tokenHash(ALICE)}`);
    assert.equal((first.body as any).context.session.accessToken, tokenHash(ALICE));
    assert.equal((first.body as any).action.actionName, "WhoAmI");
    assert.equal(typeof first.at, "number");
    const inv = own.backend.requests.at(-1)!;
    assert.equal(inv.path, INVALIDATE_PATH);
    assert.deepEqual(inv.body, { token: tokenHash(BOB) });
    assert.equal(inv.status, 200);
    assert.equal(own.logs.length, own.backend.requests.length, "one log line per request");
  } finally {
    await own.backend.close();
  }
});

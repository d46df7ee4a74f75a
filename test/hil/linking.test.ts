// Hardware-in-loop: the real firmware module in the host, headless, against
// the embedded oidc-provider behind a fault proxy; the phone's part is
// played over real HTTP. Asserted from the server's side where it matters.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startAuthServer, AuthServer } from "../support/servers.ts";
import { startFaultProxy, FaultProxy } from "../support/fault-proxy.ts";
import { approve, deny } from "../support/phone.ts";
import { Device, linkingInfo, shownCode, nextShownCode } from "../support/device.ts";

let server: AuthServer;

before(async () => {
  server = await startAuthServer({ deviceCodeTtl: 600 });
});
after(async () => {
  await server.close();
});

async function rig(opts: { interval?: number; expiresIn?: number; strict?: boolean } = {}) {
  const proxy = await startFaultProxy(server.url, { interval: opts.interval ?? 1, expiresIn: opts.expiresIn, strict: opts.strict });
  const device = new Device({ config: proxy.deviceConfigFor(server.deviceConfig()) });
  return { proxy, device, async close() { await device.stop(); await proxy.close(); } };
}

/** Gaps between consecutive polls as seen by the server, ms. */
function gaps(polls: number[]): number[] {
  return polls.slice(1).map((t, i) => t - polls[i]);
}

test("approve: the device shows a code and URL, then linked; tokens never shown or logged", async () => {
  const r = await rig({ interval: 1 });
  try {
    const { uri, userCode } = await shownCode(r.device);
    assert.match(userCode, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/, "user code grouped for reading");
    assert.ok(uri.startsWith(server.url), "verification URI is the server's");
    assert.match(r.device.lastDisplay(), /expires in/i, "countdown shown");
    await approve(uri, userCode);
    await r.device.waitState("linked", 15000);
    await r.device.waitDisplay(/Linked/);
    const ledLinked = r.device.lines.filter((l) => l.ev === "led").pop()!;
    assert.equal(ledLinked.pattern, "solid");
    const trace = r.device.traceText();
    for (const secret of server.issuedSecrets()) {
      assert.ok(!trace.includes(secret), "no token, ID token or device code in the trace");
    }
    // §3.4: the first poll waits one interval after the code arrived.
    const codeAt = r.proxy.requests.find((q) => q.endpoint === "device")!.at;
    assert.ok(r.proxy.polls[0] - codeAt >= 1000, `first poll ${r.proxy.polls[0] - codeAt} ms after the code`);
    for (const g of gaps(r.proxy.polls)) assert.ok(g >= 1000, `poll gap ${g} ms is never under the 1 s interval`);
  } finally {
    await r.close();
  }
});

test("deny: access_denied is shown and polling stops", async () => {
  const r = await rig({ interval: 1 });
  try {
    const { uri, userCode } = await shownCode(r.device);
    await deny(uri, userCode);
    await r.device.waitState("denied", 15000);
    await r.device.waitDisplay(/denied/i);
    const n = r.proxy.polls.length;
    await new Promise((res) => setTimeout(res, 2500));
    assert.equal(r.proxy.polls.length, n, "no poll after access_denied");
  } finally {
    await r.close();
  }
});

test("expiry: the device stops at expires_in by its own clock and offers a new code", async () => {
  // The proxy shortens expires_in to 3 s; the server itself would keep saying pending.
  const r = await rig({ interval: 1, expiresIn: 3 });
  try {
    const first = (await shownCode(r.device)).userCode;
    const expired = await r.device.waitState("code_expired", 10000);
    const codeAt = r.device.lines.find((l) => l.ev === "state" && l.state === "awaiting_approval")!.t;
    // Never before expires_in (the state line is traced a moment after the answer
    // was taken in, so allow a few ms); the server alone would keep saying
    // pending for minutes, so stopping at all within the wait is the device's own clock.
    assert.ok(expired.t - codeAt >= 2950, `expired ${expired.t - codeAt} ms after the code, not before 3 s`);
    await r.device.waitDisplay(/expired/i);
    const pollsAtExpiry = r.proxy.polls.length;
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(r.proxy.polls.length, pollsAtExpiry, "no poll after expiry");
    const again = nextShownCode(r.device);
    r.device.press("link");
    assert.notEqual((await again).userCode, first, "a new code on request");
  } finally {
    await r.close();
  }
});

test("expired_token from the server (short device-code TTL) shows code_expired", async () => {
  // The server's codes live 3 s, but the device is told 60 s: only the
  // server's expired_token (RFC 8628 §3.5) can stop it this early.
  const short = await startAuthServer({ deviceCodeTtl: 3 });
  const proxy = await startFaultProxy(short.url, { interval: 1, rewriteDeviceResponse: (b) => ({ ...b, expires_in: 60 }) });
  const device = new Device({ config: proxy.deviceConfigFor(short.deviceConfig()) });
  try {
    const code = await device.waitState("awaiting_approval", 12000);
    const expired = await device.waitState("code_expired", 15000);
    assert.ok(expired.t - code.t < 20000, `stopped ${expired.t - code.t} ms after the code, long before its own 60 s`);
    const outcomes = short.events.filter((e) => e.name === "device_code_poll").map((e) => e.detail.outcome);
    assert.equal(outcomes[outcomes.length - 1], "expired_token", `the server's last answer was expired_token: ${outcomes}`);
    const polls = proxy.polls.length;
    await new Promise((res) => setTimeout(res, 1500));
    assert.equal(proxy.polls.length, polls, "no poll after expired_token");
  } finally {
    await device.stop();
    await proxy.close();
    await short.close();
  }
});

test("slow_down: the interval grows by 5 s for this and every later poll (server-side timing)", async () => {
  const r = await rig({ interval: 1 });
  try {
    await r.device.waitState("awaiting_approval");
    r.proxy.faults.push({ kind: "slow_down" }); // poll 1 → interval 6 s
    await waitPolls(r.proxy, 1, 5000);
    r.proxy.faults.push({ kind: "slow_down" }); // poll 2 → interval 11 s
    await waitPolls(r.proxy, 4, 40000);
    const g = gaps(r.proxy.polls);
    assert.ok(g[0] >= 6000 && g[0] < 7000, `gap after one slow_down ${g[0]} ms (want 6 s)`);
    assert.ok(g[1] >= 11000 && g[1] < 12000, `gap after two slow_downs ${g[1]} ms (want 11 s)`);
    assert.ok(g[2] >= 11000 && g[2] < 12000, `later gaps keep 11 s: ${g[2]} ms`);
  } finally {
    await r.close();
  }
});

async function waitPolls(proxy: FaultProxy, n: number, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (proxy.polls.length < n) {
    if (Date.now() > end) throw new Error(`only ${proxy.polls.length} polls after ${timeoutMs} ms, wanted ${n}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

test("strict server: no poll ever arrives early, across faults (503 Retry-After, drops, slow and malformed answers)", async () => {
  const r = await rig({ interval: 1, strict: true });
  try {
    await r.device.waitState("awaiting_approval");
    r.proxy.faults.push({ kind: "status", status: 503, retryAfter: 2 });
    r.proxy.faults.push({ kind: "drop" });
    r.proxy.faults.push({ kind: "delay", ms: 1500 });
    r.proxy.faults.push({ kind: "pending200" });
    r.proxy.faults.push({ kind: "status", status: 429, retryAfter: 1 });
    await waitPolls(r.proxy, 7, 40000);
    assert.equal(r.proxy.slowDowns, 0, "the strict server never had to say slow_down");
    const g = gaps(r.proxy.polls);
    assert.ok(g[0] >= 2000, `Retry-After 2 s honoured: ${g[0]} ms`);
    assert.ok(r.device.states().includes("backoff"), "backoff shown");
    const { uri, userCode } = linkingInfo(r.device);
    await approve(uri, userCode);
    await r.device.waitState("linked", 20000);
  } finally {
    await r.close();
  }
});

test("bad token answers through the proxy: a clear error state, no trap, no secret printed", async () => {
  const cases: { body: string; contentType: string; expect: RegExp }[] = [
    { body: "<html>gateway</html>", contentType: "text/html", expect: /\(E204\)/ },
    { body: '{"access_token":42,"token_type":"Bearer"}', contentType: "application/json", expect: /\(E201\s+access_token\)/ },
    { body: '{"token_type":"Bearer"}', contentType: "application/json", expect: /\(E200\s+access_token\)/ },
    { body: '{"error":"invalid_client","error_description":"client unknown"}', contentType: "application/json", expect: /\(E301\s+invalid_client:\s+client\s+unknown\)/ },
  ];
  for (const c of cases) {
    const r = await rig({ interval: 1 });
    try {
      await r.device.waitState("awaiting_approval");
      r.proxy.faults.push({ kind: "body", status: c.body.includes("invalid_client") ? 401 : 200, body: c.body, contentType: c.contentType });
      await r.device.waitState("error", 10000);
      await r.device.waitDisplay(c.expect, 5000);
      assert.equal(r.device.lines.filter((l) => l.ev === "trap").length, 0, "no trap");
    } finally {
      await r.close();
    }
  }
});

test("oversized answer: the host caps the body, the device backs off, then recovers", async () => {
  const r = await rig({ interval: 1 });
  try {
    await r.device.waitState("awaiting_approval");
    r.proxy.faults.push({ kind: "body", status: 200, body: Buffer.alloc(2 * 1024 * 1024, 0x41), contentType: "application/json" });
    await r.device.waitState("backoff", 10000);
    assert.ok(r.device.lines.some((l) => l.ev === "net" && l.status === -12), "host reported body too large");
    await r.device.nextState("awaiting_approval", 15000);
    assert.equal(r.device.lines.filter((l) => l.ev === "trap").length, 0, "no trap");
  } finally {
    await r.close();
  }
});

test("bad device authorization answers end in a clear error, never a trap", async () => {
  const bodies: [string, RegExp][] = [
    ['{"device_code":"d","user_code":"AB\\u0007CD","verification_uri":"https://x.example","expires_in":60}', /\(E202\s+user_code\)/],
    ['{"device_code":"d","user_code":"ABCD","verification_uri":"file:///etc/passwd","expires_in":60}', /\(E205\s+verification_uri\)/],
    ['{"device_code":"d","user_code":"ABCD","verification_uri":"https://x.example","expires_in":60,"interval":0}', /\(E203\s+interval\)/],
    ['{"device_code":"d","user_code":"ABCD","verification_uri":"https://x.example","expires_in":-5}', /\(E203\s+expires_in\)/],
    ['{"device_code":"d","user_code":"' + "X".repeat(500) + '","verification_uri":"https://x.example","expires_in":60}', /\(E202\s+user_code\)/],
    ['not json', /\(E204\)/],
  ];
  for (const [body, re] of bodies) {
    const proxy = await startFaultProxy(server.url, { interval: 1 });
    proxy.faults.push({ kind: "body", endpoint: "device", status: 200, body, contentType: "application/json" });
    const device = new Device({ config: proxy.deviceConfigFor(server.deviceConfig()) });
    try {
      await device.waitState("error", 10000);
      await device.waitDisplay(re, 5000);
      assert.equal(device.lines.filter((l) => l.ev === "trap").length, 0);
    } finally {
      await device.stop();
      await proxy.close();
    }
  }
});

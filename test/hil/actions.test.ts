// Hardware-in-loop: the voice-action loop against the embedded action
// backend, which checks every bearer token with the real authorization
// server (RFC 7662 introspection).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAuthServer, AuthServer } from "../support/servers.ts";
import { startBackend, Backend, INVALIDATE_PATH } from "../support/servers.ts";
import { startFaultProxy, FaultProxy } from "../support/fault-proxy.ts";
import { approve } from "../support/phone.ts";
import { Device, shownCode, ROOT } from "../support/device.ts";
import { createSimDevice, TraceEvent } from "../../host/device.ts";
import { performance } from "node:perf_hooks";
import { heapCensus, staticDataEnd } from "../../host/heap.ts";

let server: AuthServer;
let proxy: FaultProxy;
let backend: Backend;

async function revokeAt(token: string, hint: string): Promise<void> {
  const cfg = server.deviceConfig();
  const r = await fetch(cfg.revocation_endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, token_type_hint: hint, client_id: cfg.client_id }),
  });
  assert.equal(r.status, 200);
}

before(async () => {
  server = await startAuthServer({ accessTokenTtl: 3600 });
  proxy = await startFaultProxy(server.url, { interval: 1 });
  backend = await startBackend({ introspect: (t) => server.introspect(t), revoke: (t) => revokeAt(t, "refresh_token") });
});
after(async () => {
  await backend.close();
  await proxy.close();
  await server.close();
});

function configFor(backendUrl: string, via: FaultProxy = proxy): object {
  return { ...via.deviceConfigFor(server.deviceConfig()), backend: backendUrl, invalidate_endpoint: backendUrl + INVALIDATE_PATH };
}

async function linked(backendUrl = backend.url, board = "tv"): Promise<Device> {
  const d = new Device({ config: configFor(backendUrl), board });
  const { uri, userCode } = await shownCode(d);
  await approve(uri, userCode);
  await d.waitState("linked", 15000);
  await d.waitFor((l) => l.ev === "say" && /account is linked/.test(l.text));
  return d;
}

function nextSay(d: Device, re?: RegExp, timeoutMs = 15000) {
  return d.next((l) => l.ev === "say" && (!re || re.test(l.text)), timeoutMs, `speech ${re ?? ""}`);
}

async function ask(d: Device, utterance: string, re?: RegExp, timeoutMs = 15000): Promise<string> {
  const p = nextSay(d, re, timeoutMs);
  d.say(utterance);
  return (await p).text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test("each demo action: bearer header, body schema, session id and isNew rules", async () => {
  const d = await linked();
  try {
    const first = backend.requests.length;
    assert.match(await ask(d, "Who am I?"), /signed in as alice/i);
    assert.match(await ask(d, "what's on my schedule today"), /./);
    assert.match(await ask(d, "where is order 12345"), /order/i);
    await d.waitDisplay(/order/i);
    const reqs = backend.requests.slice(first);
    assert.deepEqual(reqs.map((r) => r.path), ["/WhoAmI", "/TodaySchedule", "/OrderStatus"]);
    for (const r of reqs) {
      assert.equal(r.method, "POST");
      assert.equal(r.status, 200);
      assert.match(String(r.headers.authorization), /^Bearer sha256:/, "bearer token sent (recorded as a hash)");
      const b = r.body as any;
      assert.equal(b.version, "2.0");
      assert.equal(b.action.actionName, r.path.slice(1));
      assert.equal(typeof b.context.session.id, "string");
      assert.match(b.context.session.id, UUID);
      assert.equal(b.context.device.type, "tv");
      assert.deepEqual(b.context.device.state, {});
    }
    assert.deepEqual(reqs.map((r) => (r.body as any).context.session.isNew), [true, false, false], "isNew only on the first action after linking");
    assert.equal(new Set(reqs.map((r) => (r.body as any).context.session.id)).size, 1, "one session id");
    assert.deepEqual((reqs[2].body as any).action.parameters, { orderNumber: { type: "NUMBER", value: "12345" } });
    const before = backend.requests.length;
    assert.match(await ask(d, "sing me a song"), /didn't get that/i);
    assert.equal(backend.requests.length, before, "no request for an unknown utterance");
    const trace = d.traceText();
    for (const s of server.issuedSecrets()) assert.ok(!trace.includes(s), "no token in the trace");
  } finally {
    await d.stop();
  }
});

test("isNew is true again for the first action after a reboot", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "linkfw-act-"));
  try {
    const d1 = new Device({ config: configFor(backend.url), dataDir });
    const { uri, userCode } = await shownCode(d1);
    await approve(uri, userCode);
    await d1.waitState("linked");
    await ask(d1, "who am i", /alice/);
    await ask(d1, "who am i", /alice/);
    await d1.stop();
    const d2 = new Device({ config: configFor(backend.url), dataDir });
    await d2.waitState("linked");
    const n = backend.requests.length;
    await ask(d2, "who am i", /alice/);
    const b = backend.requests[n].body as any;
    assert.equal(b.context.session.isNew, true);
    assert.notEqual(b.context.session.id, (backend.requests[n - 1].body as any).context.session.id, "a new session after boot");
    await d2.stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("not linked: the device says how to link and sends nothing", async () => {
  const d = new Device({ config: configFor(backend.url) });
  try {
    await shownCode(d);
    const n = backend.requests.length;
    assert.match(await ask(d, "who am i"), /not linked/i);
    assert.equal(backend.requests.length, n);
  } finally {
    await d.stop();
  }
});

test("access token expired on the server: 401, one refresh, one retry, the answer is heard", async () => {
  // A server whose access tokens live 3 s, behind a proxy that hides expires_in
  // from the device, so only the backend's 401 tells it the token has expired.
  const short = await startAuthServer({ accessTokenTtl: 3 });
  const hide = await startFaultProxy(short.url, {
    interval: 1,
    rewriteTokenResponse: (b) => { delete b.expires_in; return b; },
  });
  const be = await startBackend({ introspect: (t) => short.introspect(t) });
  const d = new Device({ config: { ...hide.deviceConfigFor(short.deviceConfig()), backend: be.url } });
  try {
    const { uri, userCode } = await shownCode(d);
    await approve(uri, userCode);
    await d.waitState("linked", 15000);
    await d.waitFor((l) => l.ev === "say" && /account is linked/.test(l.text));
    assert.match(await ask(d, "who am i"), /alice/);
    await new Promise((r) => setTimeout(r, 3500));
    const n = be.requests.length;
    const refreshesBefore = short.events.filter((e) => e.name === "refresh").length;
    assert.match(await ask(d, "who am i"), /alice/, "the person hears the answer");
    const after = be.requests.slice(n);
    assert.deepEqual(after.map((r) => r.status), [401, 200], "exactly one rejected and one accepted request");
    assert.equal(short.events.filter((e) => e.name === "refresh").length, refreshesBefore + 1, "one refresh");
  } finally {
    await d.stop();
    await be.close();
    await hide.close();
    await short.close();
  }
});

test("grant revoked: the action ends in the unlinked flow with a spoken reason", async () => {
  const d = await linked();
  try {
    await server.revokeGrantsFor();
    const said = nextSay(d, /unlinked|no longer authorized/i);
    d.say("who am i");
    assert.match((await said).text, /unlinked|no longer authorized/i);
    await d.waitState("unlinked");
  } finally {
    await d.stop();
  }
});

/** A backend that misbehaves on demand, else forwards to the real one. */
async function hostileBackend(target: string) {
  const queue: ((res: http.ServerResponse) => void)[] = [];
  const s = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const fault = req.url !== INVALIDATE_PATH ? queue.shift() : undefined;
      if (fault) return fault(res);
      const f = http.request(target + req.url, { method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      f.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", () => r()));
  const sockets = new Set<import("node:net").Socket>();
  s.on("connection", (c) => { sockets.add(c); c.on("close", () => sockets.delete(c)); });
  return {
    url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`,
    queue,
    close: () => new Promise<void>((r) => { for (const c of sockets) c.destroy(); s.close(() => r()); }),
  };
}

function answer(status: number, body: string | Buffer, type = "application/json") {
  return (res: http.ServerResponse) => {
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
    res.end(body);
  };
}

test("malformed backend answers: a specific spoken error each, no trap, the next action works", async () => {
  const hb = await hostileBackend(backend.url);
  const d = await linked(hb.url);
  try {
    const cases: [string, (res: http.ServerResponse) => void, RegExp][] = [
      ["non-JSON", answer(200, "<html>oops</html>", "text/html"), /could not read/],
      ["missing resultCode", answer(200, '{"version":"2.0","output":{"speech":"hi"}}'), /could not read/],
      ["wrong types", answer(200, '{"version":"2.0","resultCode":7,"output":[]}'), /could not read/],
      ["non-OK resultCode", answer(200, '{"version":"2.0","resultCode":"ORDER_NOT_FOUND","output":{"speech":"No such order."}}'), /^The service could not do that\. No such order\.$/],
      ["HTTP 500", answer(500, "boom", "text/plain"), /^The service had a problem\./],
      ["10 MB body", answer(200, Buffer.alloc(10 * 1024 * 1024, 0x20)), /too large/],
      ["hanging response", () => { /* never answered */ }, /took too long/],
    ];
    for (const [name, fault, re] of cases) {
      hb.queue.push(fault);
      const from = d.lines.length;
      const heard = await ask(d, "who am i", undefined, 20000);
      assert.match(heard, re, name);
      // Codes go to the log, not to the speaker; the words also reach the screen.
      assert.doesNotMatch(heard, /ORDER_NOT_FOUND|HTTP|\d{3}/, `${name}: no code spoken`);
      const words = heard.slice(0, 24);
      await d.waitFor((l) => l.ev === "display" && d.lines.indexOf(l) >= from && l.text.replace(/\s+/g, " ").includes(words), 5000, `${name}: the reply on screen`);
      assert.match(await ask(d, "who am i"), /alice/, `${name}: the next action works`);
    }
    assert.equal(d.lines.filter((l) => l.ev === "trap").length, 0, "no trap");
    const logs = d.lines.filter((l) => l.ev === "log").map((l) => String(l.text)).join("\n");
    assert.match(logs, /ORDER_NOT_FOUND/, "the backend's code is in the log");
    assert.match(logs, /the server answered HTTP 500 \[E345\]/, "the HTTP status is in the log, as its fault E345 in words");
  } finally {
    await d.stop();
    await hb.close();
  }
});

test("one request in flight: a second utterance meanwhile hears 'one moment'", async () => {
  const hb = await hostileBackend(backend.url);
  const d = await linked(hb.url);
  try {
    hb.queue.push((res) => setTimeout(() => answer(200, '{"version":"2.0","resultCode":"OK","output":{"speech":"slow answer"}}')(res), 1500));
    const slow = nextSay(d, /slow answer/);
    d.say("who am i");
    await new Promise((r) => setTimeout(r, 200));
    assert.match(await ask(d, "what's on my schedule today"), /one moment/i);
    await slow;
  } finally {
    await d.stop();
    await hb.close();
  }
});

test("offline: an utterance gets an immediate spoken answer", async () => {
  const d = await linked("http://127.0.0.1:9");
  try {
    const t0 = Date.now();
    assert.match(await ask(d, "who am i"), /can't reach/i);
    assert.ok(Date.now() - t0 < 3000, "answered at once");
  } finally {
    await d.stop();
  }
});

test("unlink by voice calls the backend's invalidate, then RFC 7009 revocation", async () => {
  const d = await linked();
  try {
    const tokens = server.issuedTokens();
    d.say("unlink this device");
    await d.waitState("unlinked");
    await d.waitDisplay(/Unlinked on request/);
    const inv = backend.requests.filter((r) => r.path === INVALIDATE_PATH).pop()!;
    assert.equal(inv.status, 200);
    assert.equal(inv.result, undefined, "answered {ok:true} (an error would be recorded)");
    assert.ok(d.lines.every((l) => !(l.ev === "log" && /invalidate call was not confirmed/.test(l.text))), "the device saw ok:true");
    const revocations = server.events.filter((e) => e.name === "revocation");
    assert.ok(revocations.length >= 2, "RFC 7009 revocation after the invalidate call");
    for (const t of tokens.slice(-2)) assert.equal((await server.introspect(t)).active, false);
  } finally {
    await d.stop();
  }
});

test("10,000 actions in one process: the live heap stops growing", { timeout: 240000 }, async () => {
  // The firmware in-process (no child), on the speaker board, against the real backend.
  const dataDir = mkdtempSync(join(tmpdir(), "linkfw-mem-"));
  const events: TraceEvent[] = [];
  let onSay: ((t: string) => void) | null = null;
  let issued: { uri: string; code: string } | null = null;
  const own = await startFaultProxy(server.url, {
    interval: 1,
    rewriteDeviceResponse: (b) => { issued = { uri: String(b.verification_uri), code: String(b.user_code) }; return b; },
  });
  // The backend asks the authorization server about each token once, then
  // remembers the answer: what is measured here is the firmware's memory,
  // not the provider's introspection speed.
  const seen = new Map<string, Promise<any>>();
  const memoBackend = await startBackend({
    introspect: (t) => {
      if (!seen.has(t)) seen.set(t, server.introspect(t));
      return seen.get(t)!;
    },
  });
  const sim = createSimDevice({
    wasm: join(ROOT, "build", "firmware.wasm"), profile: "speaker", dataDir,
    deviceConfig: JSON.stringify(configFor(memoBackend.url, own)), actionTable: (await import("node:fs")).readFileSync(join(ROOT, "config", "actions.json"), "utf8"),
    trace: (e) => {
      if (e.ev === "say" && onSay) onSay(String(e.text));
      if (e.ev === "state" || e.ev === "trap") events.push(e);
    },
  });
  const rt = sim.runtime;
  try {
    const code = new Promise<string>((resolve) => { onSay = (t) => { if (/enter the code/.test(t)) resolve(t); }; });
    rt.start();
    await code;
    assert.ok(issued, "the proxy saw the device authorization answer");
    await approve(issued!.uri, issued!.code);
    while (!events.some((e) => e.ev === "state" && e.state === "linked")) await new Promise((r) => setTimeout(r, 20));
    // The heap is walked after every action (host/heap.ts): the bytes in
    // blocks not free. Its low point over a window of 1,000 actions is the
    // live data (an answer may still be held while the next line is said);
    // a leak raises that low point from one window to the next, long
    // before memory runs out and the firmware traps.
    const dataEnd = staticDataEnd(readFileSync(join(ROOT, "build", "firmware.wasm")));
    const lowest = new Map<number, number>(); // window (1,000 actions) -> lowest bytes in use
    let highest = 0;
    const t0 = performance.now();
    for (let i = 1; i <= 10000; i++) {
      const heard = new Promise<string>((resolve) => { onSay = resolve; });
      rt.utter(i % 2 ? "who am i" : "where is order 12345");
      const t = await heard;
      if (i === 1) assert.match(t, /alice/);
      const mem = rt.memoryView();
      assert.ok(mem, "the firmware is running");
      const c = heapCensus(mem!, dataEnd);
      const w = Math.floor((i - 1) / 1000);
      lowest.set(w, Math.min(lowest.get(w) ?? Infinity, c.used));
      highest = Math.max(highest, c.used);
    }
    const secs = (performance.now() - t0) / 1000;
    const lows = [...lowest.values()];
    console.log(`heap in use, lowest per 1,000 actions: ${lows.join(", ")} bytes; highest ${highest}; memory ${rt.memoryBytes()} bytes; ${Math.round(10000 / secs)} actions/s`);
    assert.equal(events.filter((e) => e.ev === "trap").length, 0);
    // The second window is past any warm-up (session, first replies); from
    // there on the live heap may differ only by a reply's length.
    const growth = lows[lows.length - 1] - lows[1];
    assert.ok(growth <= 512, `live heap grew ${growth} bytes between actions 2,000 and 10,000`);
    // The release module declares a fixed 2-page memory: it can never grow.
    assert.equal(rt.memoryBytes(), 2 * 65536);
  } finally {
    sim.close();
    await own.close();
    await memoBackend.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});


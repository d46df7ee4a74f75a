// Hardware-in-loop against a hostile authorization server and backend: the
// release module in the real host runtime (real HTTP on loopback, real
// timers), one device per row of the table below. Each row makes one
// endpoint misbehave in one way; the suite asserts for every row:
//   - the device ends in a clear state, its screen giving a non-empty reason
//     (or, for answers it can use, doing the right thing);
//   - no trap;
//   - no token and no client secret in any output (plain, base64, base64url, hex);
//   - recovery once the server behaves: LINK links the device again, also
//     after a failed discovery (see DISCOVERY_RECOVERY).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Runtime, TraceEvent } from "../../host/runtime.ts";
import { loadProfile } from "../../host/profile.ts";
import { Flash } from "../../host/flash.ts";
import { Sealer } from "../../host/seal.ts";
import { ROOT } from "../support/device.ts";

type Endpoint = "device" | "token" | "refresh" | "discovery" | "action";
/** What a hostile answer does on the wire. */
type Wire =
  | { status: number; body?: string | Buffer; type?: string; headers?: Record<string, string> }
  | { raw: string | Buffer } // bytes written straight to the socket, then closed
  | { reset: true }
  | { hang: true };
type Row = { name: string; at: Endpoint; wire: Wire; expect?: "linked" | "spoken" };

const CLIENT_SECRET = "hostile-client-secret-7Q2X";
const enc = (s: string) => Buffer.from(s);
const cat = (...p: (string | Buffer)[]) => Buffer.concat(p.map((x) => (typeof x === "string" ? Buffer.from(x) : x)));
const json = (o: unknown, status = 200): Wire => ({ status, body: JSON.stringify(o), type: "application/json" });
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const big = (n: number) => Buffer.alloc(n, 0x41);
const dupMembers = (n: number) => "{" + Array.from({ length: n }, () => '"a":0').join(",") + "}";

// Valid answers the hostile ones are made from.
const CODE = { device_code: "dc-hostile", user_code: "BCDFGHJK", expires_in: 120, interval: 1 };
const tokenAnswer = (n: number, extra: object = {}) => ({
  access_token: `AT-${n}-k29fjq3`, refresh_token: `RT-${n}-x8c7v6b`, token_type: "Bearer", expires_in: 4, ...extra,
});

function rows(): Row[] {
  const r: Row[] = [];
  const add = (at: Endpoint, name: string, wire: Wire, expect?: Row["expect"]) => r.push({ name, at, wire, expect });
  // Answers every JSON endpoint gets in the same way.
  for (const at of ["device", "token", "refresh", "discovery", "action"] as Endpoint[]) {
    add(at, "1 MB body", { status: 200, body: big(1 << 20), type: "application/json" });
    add(at, "100 MB declared, connection closed", { raw: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{\"a\":" });
    add(at, "10k-deep nesting", { status: 200, body: deep(10000), type: "application/json" });
    add(at, "HTML error page", { status: 500, body: "<html><body><h1>500</h1>\u001b[2J</body></html>", type: "text/html" });
    add(at, "redirect loop", { status: 302, headers: { location: "/loop" } });
    add(at, "chunked garbage", { raw: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{\"x\r\n7\r\n" });
    add(at, "connection reset", { reset: true });
    add(at, "invalid UTF-8 (over-long quote)", { status: 200, body: cat('{"error_description":"waiting', Buffer.from([0xc0, 0xa2]), ',"access_token":"SMUGGLED-TOKEN","token_type":"Bearer","x":""}'), type: "application/json" });
    add(at, "6,464 duplicate members", { status: 200, body: dupMembers(6464), type: "application/json" });
    add(at, "NUL bytes in the body", { status: 200, body: cat('{"a":"', Buffer.from([0, 0]), '"}'), type: "application/json" });
  }
  // Device authorization (RFC 8628 §3.2).
  const code = (o: object) => json({ ...CODE, verification_uri: "VERIFY", ...o });
  add("device", "ANSI and control characters in user_code", code({ user_code: "\u001b]0;pwned\u0007\u001b[2J" }));
  add("device", "NUL in user_code", code({ user_code: "BCDF\u0000GHJK" }));
  add("device", "user_code bytes C1 97 C1 84 (over-long 'WD')", { status: 200, type: "application/json", body: cat('{"device_code":"d","user_code":"', Buffer.from([0xc1, 0x97, 0xc1, 0x84]), 'JBMJHT","verification_uri":"VERIFY","expires_in":60}') });
  add("device", "javascript: verification_uri", code({ verification_uri: "javascript:alert(1)" }));
  add("device", "data: verification_uri", code({ verification_uri: "data:text/html,<h1>sign in</h1>" }));
  add("device", "file: verification_uri", code({ verification_uri: "file:///etc/passwd" }));
  add("device", "plain-http verification_uri on another host", code({ verification_uri: "http://evil.example/device" }));
  add("device", "expires_in 1e308", { status: 200, type: "application/json", body: JSON.stringify({ ...CODE, verification_uri: "VERIFY" }).replace('"expires_in":120', '"expires_in":1e308') });
  add("device", "expires_in -1", code({ expires_in: -1 }));
  add("device", "expires_in 0", code({ expires_in: 0 }));
  add("device", "interval 2^53+1", { status: 200, type: "application/json", body: JSON.stringify({ ...CODE, verification_uri: "VERIFY" }).replace('"interval":1', '"interval":9007199254740993') });
  add("device", "interval \"NaN\"", code({ interval: "NaN" }));
  add("device", "form body with %E9 user_code", { status: 200, type: "application/x-www-form-urlencoded", body: "device_code=d&user_code=%E9&verification_uri=VERIFY&expires_in=60" });
  // Token endpoint, device code grant (RFC 8628 §3.5, RFC 6749 §5.1/5.2).
  add("token", "token_type mac", json(tokenAnswer(90, { token_type: "mac" })));
  add("token", "no token_type", json({ access_token: "AT-91-k29fjq3" }));
  add("token", "access_token with ESC", json(tokenAnswer(92, { access_token: "AT-92\u001b[2J" })));
  add("token", "access_token of 9,000 characters", json(tokenAnswer(93, { access_token: "A".repeat(9000) })));
  add("token", "expires_in 1e308", { status: 200, type: "application/json", body: JSON.stringify(tokenAnswer(94)).replace('"expires_in":4', '"expires_in":1e308') });
  add("token", "expires_in -1", json(tokenAnswer(95, { expires_in: -1 })));
  add("token", "invalid_client with ANSI description", json({ error: "invalid_client", error_description: "\u001b[31mno\u001b[0m" }, 400));
  add("token", "unknown error code with controls", json({ error: "weird\u001b[2J", error_description: "x" }, 400));
  add("token", "429 with Retry-After 99999999", { status: 429, headers: { "retry-after": "99999999" }, body: "{}", type: "application/json" });
  add("token", "form body with refresh_token=%E9", { status: 200, type: "application/x-www-form-urlencoded", body: "access_token=AT-96-k29fjq3&token_type=bearer&refresh_token=%E9" });
  // Refresh (RFC 6749 §6).
  add("refresh", "invalid UTF-8 in access_token", { status: 200, type: "application/json", body: cat('{"access_token":"AT-', Buffer.from([0xed, 0xa0, 0x80]), '","token_type":"Bearer","expires_in":4}') });
  add("refresh", "empty access_token", json(tokenAnswer(97, { access_token: "" })));
  add("refresh", "expires_in 1e308", { status: 200, type: "application/json", body: JSON.stringify(tokenAnswer(98)).replace('"expires_in":4', '"expires_in":1e308') });
  add("refresh", "form body with refresh_token=%E9", { status: 200, type: "application/x-www-form-urlencoded", body: "access_token=AT-99-k29fjq3&token_type=bearer&refresh_token=%E9" });
  add("refresh", "invalid_grant with ANSI description", json({ error: "invalid_grant", error_description: "\u001b[2Jgone" }, 400));
  add("refresh", "502 HTML", { status: 502, body: "<html>bad gateway</html>", type: "text/html" });
  // Discovery (RFC 8414 §3).
  const doc = (o: object) => json({ issuer: "ISSUER", device_authorization_endpoint: "ISSUER/device/auth", token_endpoint: "ISSUER/token", ...o });
  add("discovery", "issuer mismatch", doc({ issuer: "https://evil.example" }));
  add("discovery", "javascript: token_endpoint", doc({ token_endpoint: "javascript:alert(1)" }));
  add("discovery", "plain-http device endpoint on another host", doc({ device_authorization_endpoint: "http://evil.example/device" }));
  add("discovery", "no device_authorization_endpoint", doc({ device_authorization_endpoint: undefined }));
  add("discovery", "endpoint with port 99999", doc({ token_endpoint: "https://as.example:99999/token" }));
  add("discovery", "endpoint host 127.1 (rewritten by URL parsers)", doc({ token_endpoint: "http://127.1/token" }));
  // Action backend (DESIGN.md, Voice-action loop).
  const answer = (o: object) => json({ version: "2.0", resultCode: "OK", output: { speech: "fine" }, directives: [], ...o });
  add("action", "4,000-element directives (under the cap)", { status: 200, type: "application/json", body: JSON.stringify({ version: "2.0", resultCode: "OK", output: { speech: "big but fine" }, directives: Array.from({ length: 4000 }, () => 0) }) }, "spoken");
  add("action", "16 KiB + 1 answer", { status: 200, type: "application/json", body: JSON.stringify({ version: "2.0", resultCode: "OK", output: { speech: "x".repeat(16384) } }) });
  add("action", "ESC and CSI in speech", answer({ output: { speech: "hello\u001b]0;pwned\u0007\u009b2J there" } }), "spoken");
  add("action", "resultCode with controls", answer({ resultCode: "\u001b[2JFAIL" }));
  add("action", "no version", json({ resultCode: "OK", output: { speech: "x" } }));
  add("action", "401 with a garbage WWW-Authenticate", { status: 401, headers: { "www-authenticate": "Bearer error=\"\u00ff\u00fe" }, body: "" });
  add("action", "speech is a number", answer({ output: { speech: 1e308 } }));
  return r;
}

// ---- the hostile server ------------------------------------------------------

class Hostile {
  server: http.Server;
  url = "";
  behaving = false;
  sockets = new Set<Socket>();
  issued = 0;
  secrets: string[] = [CLIENT_SECRET];
  constructor(private row: Row) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on("connection", (s) => { this.sockets.add(s); s.on("close", () => this.sockets.delete(s)); });
  }
  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
  private endpointOf(req: http.IncomingMessage, body: string): Endpoint | "other" {
    const p = req.url ?? "";
    if (p.startsWith("/.well-known/")) return "discovery";
    if (p === "/device/auth") return "device";
    if (p === "/token") return body.includes("grant_type=refresh_token") ? "refresh" : "token";
    if (p.startsWith("/play/")) return "action";
    return "other";
  }
  private fix(s: string | Buffer | undefined): string | Buffer | undefined {
    if (typeof s !== "string") return s;
    return s.replaceAll("ISSUER", this.url).replaceAll("VERIFY", this.url + "/device");
  }
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      const e = this.endpointOf(req, body);
      if (!this.behaving && e === this.row.at) return this.misbehave(res, this.row.wire);
      this.good(e, req, res);
    });
  }
  private misbehave(res: http.ServerResponse, w: Wire): void {
    if ("reset" in w) { res.socket?.destroy(); return; }
    if ("hang" in w) return;
    if ("raw" in w) { res.socket?.end(this.fix(w.raw as string) as string); return; }
    const headers: Record<string, string> = { ...(w.headers ?? {}) };
    if (w.type) headers["content-type"] = w.type;
    const b = this.fix(w.body) ?? "";
    res.writeHead(w.status, headers);
    res.end(b);
  }
  private send(res: http.ServerResponse, status: number, o: unknown): void {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(o));
  }
  private good(e: Endpoint | "other", req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = this.url;
    if (e === "discovery") return this.send(res, 200, { issuer: u, device_authorization_endpoint: u + "/device/auth", token_endpoint: u + "/token", revocation_endpoint: u + "/revoke" });
    if (e === "device") return this.send(res, 200, { ...CODE, verification_uri: u + "/device" });
    if (e === "token" || e === "refresh") {
      const t = tokenAnswer(++this.issued);
      this.secrets.push(t.access_token, t.refresh_token);
      return this.send(res, 200, t);
    }
    if (e === "action") {
      const auth = String(req.headers.authorization ?? "");
      if (!this.secrets.some((s) => auth === "Bearer " + s)) return this.send(res, 401, {});
      return this.send(res, 200, { version: "2.0", resultCode: "OK", output: { speech: "all good now" }, directives: [] });
    }
    this.send(res, 200, { ok: true });
  }
}

// ---- one device --------------------------------------------------------------

// HOSTILE_WASM runs the table against another build (e.g. an older release, to see which rows it fails).
const WASM = readFileSync(process.env.HOSTILE_WASM ?? join(ROOT, "build", "firmware.wasm"));
const TABLE = readFileSync(join(ROOT, "config", "actions.json"), "utf8");
const PROFILE = loadProfile("tv");

class Rig {
  events: TraceEvent[] = [];
  rt: Runtime;
  private waiters: { pred: (e: TraceEvent) => boolean; resolve: () => void }[] = [];
  constructor(private config: object, private flash: Flash, private sealer: Sealer) {
    this.rt = this.make();
  }
  private make(): Runtime {
    return new Runtime({
      wasm: WASM, profile: PROFILE, deviceConfig: JSON.stringify(this.config), actionTable: TABLE, flash: this.flash, sealer: this.sealer,
      restartDelayMs: 50,
      trace: (e) => {
        if (e.ev === "frame") return;
        this.events.push(e);
        this.waiters = this.waiters.filter((w) => (w.pred(e) ? (w.resolve(), false) : true));
      },
    });
  }
  /** A power cycle: a new module instance over the same flash. */
  restart(): void {
    this.rt.stop();
    this.rt = this.make();
    this.rt.start();
  }
  until(pred: (e: TraceEvent) => boolean, ms: number, what: string): Promise<void> {
    if (this.events.some(pred)) return Promise.resolve();
    return this.next(pred, ms, what);
  }
  next(pred: (e: TraceEvent) => boolean, ms: number, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; state ${this.rt.view.state}; screen:\n${this.rt.view.display}`)), ms);
      this.waiters.push({ pred, resolve: () => { clearTimeout(t); resolve(); } });
    });
  }
  get state(): string { return this.rt.view.state; }
}

function leaks(events: TraceEvent[], secrets: string[]): string[] {
  const text = events.map((e) => JSON.stringify(e)).join("\n");
  const out: string[] = [];
  for (const s of secrets) {
    const b = Buffer.from(s);
    for (const f of [s, b.toString("base64").replace(/=+$/, ""), b.toString("base64url"), b.toString("hex")]) if (text.includes(f)) out.push(f);
  }
  return out;
}

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** RFC 8414 discovery failures are recovered with LINK, like every other failure ("restart" would test recovery by reboot instead). */
const DISCOVERY_RECOVERY: string = "link";

async function runRow(row: Row): Promise<void> {
  const srv = new Hostile(row);
  await srv.start();
  const u = srv.url;
  const config = row.at === "discovery"
    ? { issuer: u, client_id: "hostile-tv", client_secret: CLIENT_SECRET, backend: u + "/play" }
    : { issuer: u, device_authorization_endpoint: u + "/device/auth", token_endpoint: u + "/token", revocation_endpoint: u + "/revoke",
        client_id: "hostile-tv", client_secret: CLIENT_SECRET, scope: "openid offline_access", backend: u + "/play" };
  const rig = new Rig(config, new Flash(PROFILE.flashBytes), new Sealer(randomBytes(32)));
  const netAt = (path: string) => (e: TraceEvent) => e.ev === "net" && String(e.url).includes(path);
  try {
    // Refresh and action rows need a linked device first: link through the well-behaved path.
    if (row.at === "refresh" || row.at === "action") {
      srv.behaving = true;
      rig.rt.start();
      await rig.until((e) => e.ev === "state" && e.state === "linked", 10000, "linked before the hostile answer");
      srv.behaving = false;
    } else {
      rig.rt.start();
    }
    const mark = rig.events.length;
    // Provoke the endpoint, then let the answer land and the firmware settle.
    if (row.at === "action") rig.rt.utter("who am i");
    const path = { device: "/device/auth", token: "/token", refresh: "/token", discovery: "/.well-known/", action: "/play/" }[row.at];
    await rig.next(netAt(path), 15000, `the ${row.at} answer`);
    await new Promise((r) => setTimeout(r, 150));
    const after = rig.events.slice(mark);
    assert.equal(rig.rt.stats.traps, 0, "no trap: " + rig.rt.lastTrap);
    const screen = rig.rt.view.display;
    assert.ok(screen.trim().length > 0, "something on the screen");
    assert.ok(!CONTROL.test(screen.replace(/\n/g, "")), "no control characters on the screen: " + JSON.stringify(screen));
    for (const e of after) if (e.ev === "say") assert.ok(!CONTROL.test(String(e.text)), "no control characters spoken: " + JSON.stringify(e.text));
    if (row.expect === "spoken") {
      await rig.until((e) => e.ev === "say" && /fine|hello/.test(String(e.text)), 5000, "the answer spoken");
    } else if (row.at === "action") {
      const said = after.filter((e) => e.ev === "say").map((e) => String(e.text));
      assert.ok(said.length > 0 && said.every((s) => s.trim().length > 0), "the device says something about the failed action: " + JSON.stringify(said));
    } else if (row.at === "refresh") {
      // Still linked and retrying, or unlinked with the reason shown.
      assert.ok(["linked", "refreshing", "expired", "unlinked"].includes(rig.state), "clear state: " + rig.state);
      if (rig.state === "unlinked") assert.match(screen, /Not linked\.\n.*\S/, "a reason under the state");
    } else {
      // The linking screens: an error or a backoff with a reason, never a code from a hostile answer.
      await rig.until((e) => e.ev === "state" && ["error", "backoff", "unlinked", "requesting_code"].includes(String(e.state)), 3000, "a clear state");
      assert.ok(["error", "backoff", "requesting_code", "booting", "unlinked"].includes(rig.state), "clear state, not linked: " + rig.state);
      if (rig.state === "unlinked") assert.match(screen, /Not linked\.\n.*\S/, "a reason under the state");
      assert.ok(!/Enter code: /.test(screen) || /BCDFGHJK|BCDF-GHJK/.test(screen), "no code from a hostile answer is shown");
      if (rig.state === "error") {
        const lines = screen.split("\n").filter((l) => l.trim().length > 0);
        assert.ok(lines.length >= 2, "a reason under the title: " + JSON.stringify(screen));
        assert.ok(!/:\s*$|\(\)|\.\s*\.$/.test(lines[1]), "the reason is not empty: " + JSON.stringify(lines[1]));
      }
    }
    // Recovery once the server behaves.
    srv.behaving = true;
    if (row.at === "action") {
      if (rig.state !== "linked") {
        // A 401 without invalid_token ends the link (RFC 6750 §3.1): LINK links again.
        assert.match(screen, /Not linked\.\n.*\S/, "the reason is shown");
        rig.rt.pressButton(1);
        await rig.next((e) => e.ev === "state" && e.state === "linked", 15000, "linked again");
      }
      const p = rig.next((e) => e.ev === "say" && /all good now/.test(String(e.text)), 10000, "a good answer after recovery");
      rig.rt.utter("who am i");
      await p;
    } else if (row.at === "refresh") {
      if (rig.state === "unlinked" || rig.state === "error") rig.rt.pressButton(1);
      await rig.next((e) => e.ev === "net" && String(e.url).includes("/token") && e.status === 200, 15000, "a good token answer");
      await rig.until((e) => e.ev === "state" && e.state === "linked", 15000, "linked again");
    } else {
      if (row.at === "discovery" && DISCOVERY_RECOVERY === "restart") rig.restart();
      else rig.rt.pressButton(1);
      await rig.next((e) => e.ev === "state" && e.state === "linked", 15000, "linked again after recovery");
    }
    assert.equal(rig.rt.stats.traps, 0, "no trap during recovery");
    assert.deepEqual(leaks(rig.events, srv.secrets), [], "no token or secret in any output");
  } finally {
    rig.rt.stop();
    await srv.close();
  }
}

const ROWS = rows();

describe(`hostile servers: ${ROWS.length} answers across device authorization, token, refresh, discovery and action`, { concurrency: 12 }, () => {
  test("the table has at least 60 rows over every endpoint", () => {
    assert.ok(ROWS.length >= 60, String(ROWS.length));
    for (const e of ["device", "token", "refresh", "discovery", "action"]) assert.ok(ROWS.filter((r) => r.at === e).length >= 10, e);
  });
  for (const row of ROWS) test(`${row.at}: ${row.name}`, () => runRow(row));
});

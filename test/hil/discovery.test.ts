// Hardware-in-loop: a device configured with only its issuer discovers the
// endpoints (RFC 8414 §3). A failed discovery (the document names another
// issuer, RFC 8414 §3.3) is a clear error, and LINK tries discovery again:
// once the server is fixed the device links without a restart. A retry that
// falls due while an action is in flight goes out; the firmware never spins.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAuthServer } from "../support/servers.ts";
import { approve } from "../support/phone.ts";
import { LocalDevice } from "../support/device.ts";

test("discovery failure is recoverable with LINK once the server is fixed", async () => {
  const server = await startAuthServer();
  const real = server.deviceConfig();
  let issuerInDocument = "http://127.0.0.1:1";
  let fetches = 0;
  const meta = http.createServer((req, res) => {
    if (req.url !== "/.well-known/openid-configuration") {
      res.writeHead(404).end();
      return;
    }
    fetches++;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({
      issuer: issuerInDocument,
      device_authorization_endpoint: real.device_authorization_endpoint,
      token_endpoint: real.token_endpoint,
    }));
  });
  await new Promise<void>((r) => meta.listen(0, "127.0.0.1", () => r()));
  const issuer = `http://127.0.0.1:${(meta.address() as AddressInfo).port}`;
  const d = new LocalDevice({ config: { issuer, client_id: real.client_id, scope: real.scope } });
  try {
    await d.waitState("error", 10000);
    await d.waitDisplay(/\(E207\)/);
    assert.ok(d.lines.some((l) => l.ev === "say" && /cannot link\. \S/.test(l.text)), "the reason is said, never empty");
    assert.equal(fetches, 1, "one discovery fetch");
    assert.ok(!d.lines.some((l) => l.ev === "net" && !String(l.url).startsWith("http")), "no request to an empty URL");
    issuerInDocument = issuer; // the server is fixed
    d.press("link");
    await d.waitState("awaiting_approval", 10000);
    assert.equal(fetches, 2, "LINK ran discovery again");
    await d.waitDisplay(/Enter code: /);
    assert.equal(d.sim.runtime.stats.spins, 0, "the host never saw the firmware spin");
  } finally {
    d.stop();
    await new Promise<void>((r) => meta.close(() => r()));
    await server.close();
  }
});

test("linked, discovery answering 500, an action in flight when the retry is due: no busy loop", async () => {
  const server = await startAuthServer();
  const real = server.deviceConfig();
  let failing = false;
  let fetches = 0;
  const meta = http.createServer((req, res) => {
    fetches++;
    if (failing) {
      res.writeHead(500).end("down");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ issuer, device_authorization_endpoint: real.device_authorization_endpoint, token_endpoint: real.token_endpoint }));
  });
  await new Promise<void>((r) => meta.listen(0, "127.0.0.1", () => r()));
  const issuer = `http://127.0.0.1:${(meta.address() as AddressInfo).port}`;
  // A backend that takes every action and never answers: the action stays in flight until its timeout.
  const held: http.ServerResponse[] = [];
  const backend = http.createServer((_req, res) => { held.push(res); });
  await new Promise<void>((r) => backend.listen(0, "127.0.0.1", () => r()));
  const config = { issuer, client_id: real.client_id, scope: real.scope, backend: `http://127.0.0.1:${(backend.address() as AddressInfo).port}` };
  const dataDir = mkdtempSync(join(tmpdir(), "linkfw-disc-"));
  let d = new LocalDevice({ config, dataDir });
  try {
    const { uri, userCode } = await d.shownCode();
    await approve(uri, userCode);
    await d.waitState("linked", 15000);
    d.stop();
    failing = true;
    const before = fetches;
    d = new LocalDevice({ config, dataDir });
    await d.waitFor((l) => l.ev === "log" && /linked from flash/.test(l.text), 10000, "linked from flash");
    await d.waitFor(() => fetches > before, 5000, "the first discovery");
    d.say("who am i");
    await d.waitFor(() => held.length > 0, 5000, "the action in flight");
    const entries0 = d.sim.runtime.stats.entries;
    // Discovery backs off 1–2 s, then 2–4 s: at least one retry falls while the action (8 s timeout) waits.
    const t0 = Date.now();
    while (fetches < before + 2 && Date.now() - t0 < 10000) await new Promise((r) => setTimeout(r, 100));
    assert.ok(fetches >= before + 2, "discovery was retried while the action was in flight");
    const entries = d.sim.runtime.stats.entries - entries0;
    assert.ok(entries < 100, `${entries} firmware entries in the meantime (a busy loop makes thousands)`);
    assert.equal(d.sim.runtime.stats.spins, 0, "the host never saw the firmware spin");
  } finally {
    d.stop();
    for (const r of held) r.destroy();
    await new Promise<void>((r) => backend.close(() => r()));
    await new Promise<void>((r) => meta.close(() => r()));
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

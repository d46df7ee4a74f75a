// The simulator's embedded authorization server: what it keeps across a
// restart, how it serves a phone on the LAN, what a config without scope
// gets, and its one-line errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAuthServer, lanAddress } from "../../host/authserver.ts";
import { abandon, approve } from "../support/phone.ts";
import { Device } from "../support/device.ts";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "linkfw-as-"));
}

async function form(url: string, params: Record<string, string>): Promise<{ status: number; body: any }> {
  const r = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(params),
  });
  return { status: r.status, body: await r.json() };
}

/** Device flow by hand: authorization, phone approval, token. */
async function linkByHand(cfg: ReturnType<Awaited<ReturnType<typeof startAuthServer>>["deviceConfig"]>, user: string) {
  const a = await form(cfg.device_authorization_endpoint, { client_id: cfg.client_id, scope: cfg.scope });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  await approve(a.body.verification_uri, a.body.user_code, { user });
  const t = await form(cfg.token_endpoint, { client_id: cfg.client_id, grant_type: DEVICE_GRANT, device_code: a.body.device_code });
  assert.equal(t.status, 200, JSON.stringify(t.body));
  return { authorization: a.body, tokens: t.body };
}

test("with a data directory: same issuer, grants, refresh tokens and signing key after a restart", async () => {
  const dir = tempDir();
  try {
    const s1 = await startAuthServer({ dataDir: dir });
    const cfg1 = s1.deviceConfig();
    const { tokens } = await linkByHand(cfg1, "gina");
    const jwks1 = await (await fetch(s1.issuer + "/jwks")).json();
    await s1.close();

    const s2 = await startAuthServer({ dataDir: dir });
    try {
      assert.equal(s2.issuer, s1.issuer, "the port is kept, so the issuer is the same");
      assert.deepEqual(await (await fetch(s2.issuer + "/jwks")).json(), jwks1, "the same signing key");
      const intro = await s2.introspect(tokens.access_token);
      assert.equal(intro.active, true, "an access token issued before the restart is still valid");
      assert.equal(intro.sub, "gina");
      const r = await form(s2.deviceConfig().token_endpoint, { client_id: cfg1.client_id, grant_type: "refresh_token", refresh_token: tokens.refresh_token });
      assert.equal(r.status, 200, `refresh after the restart: ${JSON.stringify(r.body)}`);
      // What the refresh issued is kept too, and the store can revoke it.
      await s2.close();
      const s3 = await startAuthServer({ dataDir: dir });
      try {
        assert.equal((await s3.introspect(r.body.access_token)).active, true, "the refreshed access token survives a restart");
        assert.equal(await s3.revokeGrantsFor("gina"), 1, "the grant is found in the store");
        assert.equal((await s3.introspect(r.body.access_token)).active, false, "revoked with its grant");
      } finally {
        await s3.close();
      }
    } finally {
      await s2.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("without a data directory nothing is kept: each start has its own port", async () => {
  const a = await startAuthServer();
  const b = await startAuthServer();
  try {
    assert.notEqual(a.issuer, b.issuer);
  } finally {
    await a.close();
    await b.close();
  }
});

test("a damaged authserver.json gets one clear message", async () => {
  const dir = tempDir();
  try {
    writeFileSync(join(dir, "authserver.json"), "{not json");
    await assert.rejects(startAuthServer({ dataDir: dir }), /authserver\.json is not valid JSON .*delete it/);
    writeFileSync(join(dir, "authserver.json"), "{}");
    await assert.rejects(startAuthServer({ dataDir: dir }), /lacks port, jwk, cookieKeys or backendSecret/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("abandoned sign-in: the same code entered again is accepted, not called incorrect or used", async () => {
  const lines: string[] = [];
  const s = await startAuthServer({ log: (l) => lines.push(l) });
  try {
    const cfg = s.deviceConfig();
    const a = await form(cfg.device_authorization_endpoint, { client_id: cfg.client_id, scope: cfg.scope });
    await abandon(a.body.verification_uri, a.body.user_code);
    await approve(a.body.verification_uri, a.body.user_code, { user: "hana" });
    const t = await form(cfg.token_endpoint, { client_id: cfg.client_id, grant_type: DEVICE_GRANT, device_code: a.body.device_code });
    assert.equal(t.status, 200, JSON.stringify(t.body));
    assert.ok(lines.some((l) => /entered again after an unfinished sign-in/.test(l)), "the server says what it did");
  } finally {
    await s.close();
  }
});

test("--lan: the pages are served on the LAN address, the device keeps the loopback issuer", async () => {
  const lan = lanAddress();
  if (lan === null) {
    await assert.rejects(startAuthServer({ lan: true }), /no network address other than loopback/);
    return;
  }
  const s = await startAuthServer({ lan: true });
  try {
    const cfg = s.deviceConfig();
    assert.match(cfg.token_endpoint, /^http:\/\/127\.0\.0\.1:\d+\//, "the device talks to loopback (plain http only there)");
    assert.equal(s.publicUrl, s.issuer.replace("127.0.0.1", lan));
    const { authorization } = await linkByHand(cfg, "ines");
    assert.ok(authorization.verification_uri.startsWith(`http://${lan}:`), authorization.verification_uri);
    assert.ok(authorization.verification_uri_complete.startsWith(`http://${lan}:`));
  } finally {
    await s.close();
  }
});

test("a config without scope: the device shows a configuration error naming the scope, not a denial", async () => {
  const s = await startAuthServer();
  const { scope: _scope, ...noScope } = s.deviceConfig();
  const d = new Device({ config: noScope });
  try {
    await d.waitState("error", 20000);
    const screen = await d.waitDisplay(/openid\s+offline_access/, 10000);
    assert.match(screen.text, /\(E300\s+invalid_scope\b/);
    assert.ok(!d.states().includes("denied"), "never called a denial");
    assert.ok(!d.states().includes("awaiting_approval"), "no code shown that could never link");
  } finally {
    await d.stop();
    await s.close();
  }
});

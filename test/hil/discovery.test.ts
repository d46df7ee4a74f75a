// Hardware-in-loop: a device configured with only its issuer discovers the
// endpoints (RFC 8414 §3). A failed discovery (the document names another
// issuer, RFC 8414 §3.3) is a clear error, and LINK tries discovery again:
// once the server is fixed the device links without a restart.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { AddressInfo } from "node:net";
import { startAuthServer } from "../support/servers.ts";
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
    await d.waitDisplay(/issuer/);
    assert.ok(d.lines.some((l) => l.ev === "say" && /cannot link\. \S/.test(l.text)), "the reason is said, never empty");
    assert.equal(fetches, 1, "one discovery fetch");
    assert.ok(!d.lines.some((l) => l.ev === "net" && !String(l.url).startsWith("http")), "no request to an empty URL");
    issuerInDocument = issuer; // the server is fixed
    d.press("link");
    await d.waitState("awaiting_approval", 10000);
    assert.equal(fetches, 2, "LINK ran discovery again");
    await d.waitDisplay(/Enter code: /);
  } finally {
    d.stop();
    await new Promise<void>((r) => meta.close(() => r()));
    await server.close();
  }
});

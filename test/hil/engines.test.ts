// Hardware-in-loop on three engines: the same scenario body, unchanged, on
// the Node host (V8), the wasmtime board (Cranelift) and the reference C
// board (wasm2c), each against its own embedded oidc-provider, fault proxy
// and action backend, with the phone played over HTTP. The engines run side
// by side; each prints the time its scenario set took.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { startAuthServer, startBackend, INVALIDATE_PATH } from "../support/servers.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { approve } from "../support/phone.ts";
import { ROOT } from "../support/device.ts";
import { ENGINES, EngineName, EngineDevice, buildCBoard, shownCodeOn, tempDataDir } from "../support/engines.ts";

before(() => buildCBoard());

const MIN_IN_FLIGHT: number = JSON.parse(readFileSync(join(ROOT, "boards", "abi.json"), "utf8")).minimums.in_flight;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RFC 8628 §3.5: after slow_down the interval grows by 5 s, for this and every later poll. */
const SLOW_DOWN_STEP_MS = 5000;
const INTERVAL_S = 1;
/** Access tokens live this long; the device is not told (expires_in hidden), so only a 401 shows it. */
const ACCESS_TTL_S = 3;

async function scenario(engine: EngineName): Promise<void> {
  const t0 = performance.now();
  const server = await startAuthServer({ accessTokenTtl: ACCESS_TTL_S });
  const proxy = await startFaultProxy(server.url, {
    interval: INTERVAL_S,
    rewriteTokenResponse: (b) => { delete b.expires_in; return b; },
  });
  const backend = await startBackend({ introspect: (t) => server.introspect(t) });
  const data = tempDataDir(engine);
  const config = { ...proxy.deviceConfigFor(server.deviceConfig()), backend: backend.url, invalidate_endpoint: backend.url + INVALIDATE_PATH };
  const devices: EngineDevice[] = [];
  const boot = () => {
    // The wasmtime and C boards allow only the ABI's minimum of requests in flight.
    const d = new EngineDevice({ engine, config, dataDir: data.dir, inFlight: MIN_IN_FLIGHT });
    devices.push(d);
    return d;
  };
  try {
    // 1. Link, with one slow_down from the fault proxy on the first poll.
    proxy.faults.push({ kind: "slow_down", endpoint: "token", grantType: "device_code" });
    const d1 = boot();
    const { uri, userCode } = await shownCodeOn(d1);
    await approve(uri, userCode);
    await d1.waitState("linked", 20000);
    await d1.waitLog(/tokens stored/);
    const polls = proxy.requests.filter((q) => q.endpoint === "token" && q.grantType?.includes("device_code"));
    assert.ok(polls.length >= 2, `[${engine}] polled at least twice`);
    assert.equal(polls[0].fault, "slow_down", `[${engine}] the first poll got slow_down`);
    const gap = polls[1].at - polls[0].at;
    assert.ok(gap >= INTERVAL_S * 1000 + SLOW_DOWN_STEP_MS - 50,
      `[${engine}] the server saw the next poll ${Math.round(gap)} ms after slow_down: interval + 5 s`);
    assert.ok(gap < 2 * (INTERVAL_S * 1000 + SLOW_DOWN_STEP_MS), `[${engine}] and not a whole extra interval later (${Math.round(gap)} ms)`);
    const linkedAt = performance.now();

    // 2. Power cut and restart: linked again from flash, no new code.
    await d1.kill();
    const d2 = boot();
    await d2.waitState("linked", 15000);
    assert.ok(!d2.states().includes("awaiting_approval"), `[${engine}] no new code after the restart`);
    assert.equal(proxy.requests.filter((q) => q.endpoint === "device").length, 1, `[${engine}] one device authorization in all`);

    // 3. A voice action after the access token expired: 401, one refresh, one retry (RFC 6750 §3.1, RFC 6749 §6).
    const wait = ACCESS_TTL_S * 1000 + 500 - (performance.now() - linkedAt);
    if (wait > 0) await sleep(wait);
    const n = backend.requests.length;
    const refreshes = server.events.filter((e) => e.name === "refresh").length;
    assert.match(await d2.ask("who am i", /alice|sorry|could not|didn't/i), /alice/i, `[${engine}] the answer is heard`);
    assert.deepEqual(backend.requests.slice(n).map((r) => r.status), [401, 200], `[${engine}] one rejected, one accepted request`);
    assert.equal(server.events.filter((e) => e.name === "refresh").length, refreshes + 1, `[${engine}] one refresh`);
    // The board adds only the headers boards/ABI.md allows (section 11, Network policy).
    const allowed = new Set(["host", "content-length", "connection", "user-agent", "content-type", "authorization", "accept"]);
    for (const r of backend.requests) {
      const extra = Object.keys(r.headers).filter((h) => !allowed.has(h));
      assert.deepEqual(extra, [], `[${engine}] no header beyond the firmware's and Host/Content-Length/Connection/User-Agent`);
    }

    // 4. Unlink: the backend's invalidate call and both RFC 7009 revocations.
    const tokens = server.issuedTokens();
    d2.press("unlink");
    await d2.waitState("unlinked", 15000);
    await d2.waitDisplay(/Unlinked on request/);
    assert.equal(backend.requests.filter((r) => r.path === INVALIDATE_PATH).length, 1, `[${engine}] backend invalidate called`);
    assert.equal(server.events.filter((e) => e.name === "revocation").length, 2, `[${engine}] refresh and access token revoked`);
    for (const t of tokens) assert.equal((await server.introspect(t)).active, false, `[${engine}] no token left active`);

    // Nothing secret in any trace or in the flash image.
    const image = readFileSync(join(data.dir, "flash.bin"));
    for (const s of server.issuedSecrets()) {
      for (const d of devices) assert.ok(!d.traceText().includes(s), `[${engine}] no secret in the trace`);
      assert.ok(!image.includes(Buffer.from(s)), `[${engine}] no secret in flash`);
    }
    console.log(`# engine ${engine}: scenario set in ${Math.round(performance.now() - t0)} ms`);
  } finally {
    for (const d of devices) await d.stop();
    await backend.close();
    await proxy.close();
    await server.close();
    data.remove();
  }
}

describe("one scenario body on three engines", { concurrency: true }, () => {
  for (const engine of ENGINES) {
    test(`${engine}: link with slow_down, power cut, 401 refresh and retry, unlink`, { timeout: 120000 }, () => scenario(engine));
  }
});

test("one flash image and key move between engines: linked on C, restored on wasmtime and on Node; another key is refused", { timeout: 120000 }, async () => {
  const server = await startAuthServer();
  const proxy = await startFaultProxy(server.url, { interval: INTERVAL_S });
  const data = tempDataDir("c");
  const config = proxy.deviceConfigFor(server.deviceConfig());
  const devices: EngineDevice[] = [];
  const boot = (engine: EngineName) => {
    const d = new EngineDevice({ engine, config, dataDir: data.dir });
    devices.push(d);
    return d;
  };
  try {
    const c = boot("c");
    const { uri, userCode } = await shownCodeOn(c);
    await approve(uri, userCode);
    await c.waitLog(/tokens stored/, 20000);
    await c.kill();
    for (const engine of ["wasmtime", "node"] as EngineName[]) {
      const d = boot(engine);
      await d.waitState("linked", 15000);
      assert.ok(!d.states().includes("awaiting_approval"), `[${engine}] restored the C board's record`);
      await d.kill();
    }
    assert.equal(proxy.requests.filter((q) => q.endpoint === "device").length, 1, "one device authorization in all");
    // A different device key: the sealed record does not authenticate, nothing is trusted.
    writeFileSync(join(data.dir, "seal.key"), randomBytes(32), { mode: 0o600 });
    const other = boot("c");
    await other.waitState("awaiting_approval", 15000);
    assert.ok(!other.states().includes("linked"), "a record sealed by another key is not trusted");
  } finally {
    for (const d of devices) await d.stop();
    await proxy.close();
    await server.close();
    data.remove();
  }
});


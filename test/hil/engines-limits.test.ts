// The limits a board must size for (boards/ABI.md, Minimum sizes), proven
// on every engine with the release module (2 pages of memory): with the
// documented minimum NET_BODY_CAP and storage size a 16 KiB token answer
// links, refreshes (a 16 KiB refresh answer) and is stored, and the device
// comes back linked from flash with the rotated refresh token; one step below either,
// the firmware names the exact limit on screen and in the log and never
// claims the tokens were stored.
import { test, describe, before } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startAuthServer } from "../../host/authserver.ts";
import { startFaultProxy } from "../support/fault-proxy.ts";
import { approve } from "../support/phone.ts";
import { ROOT } from "../support/device.ts";
import { ENGINES, EngineName, EngineDevice, buildCBoard, shownCodeOn, tempDataDir } from "../support/engines.ts";

before(() => buildCBoard());

const abi = JSON.parse(readFileSync(join(ROOT, "boards", "abi.json"), "utf8"));
const MIN_BODY: number = abi.minimums.net_body_cap;
const MIN_STORAGE: number = abi.minimums.storage_bytes;
/** The answer the budget promises to link (DESIGN budgets: ≥ 16 KiB). */
const ANSWER_BYTES = 16 * 1024;

/**
 * The answer issue "Fit the boards" names: a 6 KiB JWT access token, a
 * refresh token and an id_token padded so the whole answer is exactly
 * `size` bytes (an enterprise server's tokens are this large).
 */
function padTo(size: number) {
  return (b: Record<string, unknown>) => {
    b.access_token = `${b.access_token}.${"A".repeat(Math.max(0, 6 * 1024 - String(b.access_token).length - 1))}`;
    const idToken = String(b.id_token ?? "eyJhbGciOiJub25lIn0.e30");
    b.id_token = "";
    const base = JSON.stringify(b).length + 1; // the "." added below
    b.id_token = `${idToken}.${"B".repeat(size - base - idToken.length)}`;
    return b;
  };
}

/** Access token lifetime for the refresh case: the device refreshes at half of it (assembly/auth/tokens.ts). */
const SHORT_TTL_S = 6;

async function linkWith(engine: EngineName, netBodyCap: number, flashBytes: number, accessTokenTtl?: number) {
  const server = await startAuthServer(accessTokenTtl ? { accessTokenTtl } : {});
  const proxy = await startFaultProxy(server.url, { interval: 1, rewriteTokenResponse: padTo(ANSWER_BYTES) });
  const data = tempDataDir(engine);
  const d = new EngineDevice({ engine, config: proxy.deviceConfigFor(server.deviceConfig()), dataDir: data.dir, netBodyCap, flashBytes });
  const { uri, userCode } = await shownCodeOn(d);
  await approve(uri, userCode);
  return {
    d, server, proxy,
    async close() {
      await d.stop();
      await proxy.close();
      await server.close();
      data.remove();
    },
  };
}

type Proxied = { proxy: { requests: { endpoint: string; grantType?: string; status?: number }[] } };
const tokenAnswer = (r: Proxied) => r.proxy.requests.find((q) => q.endpoint === "token" && q.status === 200);
const refreshAnswers = (r: Proxied) =>
  r.proxy.requests.filter((q) => q.endpoint === "token" && q.grantType === "refresh_token" && q.status === 200).length;
/** Answers of at least the promised size that reached the firmware. */
const bigAnswers = (d: EngineDevice) => d.lines.filter((l) => l.ev === "net" && l.status === 200 && l.bytes >= ANSWER_BYTES).length;
const traps = (d: EngineDevice) => d.lines.filter((l) => l.ev === "trap");

describe("limits on every engine", { concurrency: true }, () => {
  for (const engine of ENGINES) {
    test(`${engine}: links, refreshes and restarts with a 16 KiB token answer at the minimum body cap and storage`, { timeout: 90000 }, async () => {
      assert.ok(MIN_BODY >= ANSWER_BYTES, "the documented minimum body cap admits a 16 KiB answer");
      const r = await linkWith(engine, MIN_BODY, MIN_STORAGE, SHORT_TTL_S);
      try {
        await r.d.waitState("linked", 20000);
        await r.d.waitLog(/tokens stored/);
        assert.ok(tokenAnswer(r), "the server answered the token request");
        assert.ok(bigAnswers(r.d) >= 1, `[${engine}] a ${ANSWER_BYTES}-byte answer reached the firmware`);
        // A refresh (RFC 6749 §6) answered with another 16 KiB answer; the server rotates the refresh token.
        await r.d.waitLog(/tokens refreshed and stored/, 30000);
        assert.ok(refreshAnswers(r) >= 1, `[${engine}] the server answered a refresh`);
        assert.ok(bigAnswers(r.d) >= 2, `[${engine}] the refresh answer of ${ANSWER_BYTES} bytes reached the firmware too`);
        assert.deepEqual(traps(r.d), [], `[${engine}] no trap while linking and refreshing`);
        await r.d.stop();
        // Restart from that flash: still linked, and the record holds the
        // rotated refresh token (the spent one would get invalid_grant).
        const refreshedBefore = refreshAnswers(r);
        const again = new EngineDevice({ ...r.d.opts });
        try {
          await again.waitState("linked", 15000);
          assert.ok(!again.states().includes("awaiting_approval"), `[${engine}] restored from flash`);
          await again.waitLog(/tokens refreshed and stored/, 30000);
          assert.ok(refreshAnswers(r) > refreshedBefore, `[${engine}] the stored refresh token was accepted after the restart`);
          assert.ok(!again.states().includes("unlinked"), `[${engine}] never unlinked`);
          assert.deepEqual(traps(again), [], `[${engine}] no trap after the restart`);
        } finally {
          await again.stop();
        }
      } finally {
        await r.close();
      }
    });

    test(`${engine}: below the minimum body cap the exact limit is shown and logged`, { timeout: 60000 }, async () => {
      const cap = MIN_BODY - 1024;
      const r = await linkWith(engine, cap, MIN_STORAGE);
      try {
        // The screen shows the fault with the cap; the log has its words (host/faults.ts).
        await r.d.waitDisplay(new RegExp(`\\(E302\\s+${cap}\\s`), 20000);
        await r.d.waitLog(new RegExp(`larger than this board's NET_BODY_CAP[^]*the cap in bytes[^]*: ${cap} `));
        assert.ok(!r.d.states().includes("linked"), `[${engine}] never claims to be linked`);
        assert.ok(!r.d.lines.some((l) => l.ev === "log" && /tokens stored/.test(l.text)), `[${engine}] never claims the tokens were stored`);
      } finally {
        await r.close();
      }
    });

    test(`${engine}: below the minimum storage the exact limit is shown and logged`, { timeout: 60000 }, async () => {
      const storage = MIN_STORAGE / 2;
      const r = await linkWith(engine, MIN_BODY, storage);
      try {
        const capacity = storage / 2 - 20; // a slot less its header and CRC (boards/ABI.md, Storage)
        const exact = new RegExp(`E409\\s+\\d+\\s+${capacity}\\b[^]*storage_size\\s+${storage}\\s+bytes`);
        await r.d.waitDisplay(exact, 20000);
        // The log has the fault in words (host/faults.ts), its numbers in place.
        await r.d.waitLog(new RegExp(`bytes: \\d+ ${capacity}\\b[^]*storage_size\\s+${storage}\\s+bytes[^]*\\[E409\\]`));
        assert.ok(!r.d.states().slice(-1).includes("linked"), `[${engine}] does not stay linked on tokens it cannot keep`);
        assert.ok(!r.d.lines.some((l) => l.ev === "log" && /tokens stored/.test(l.text)), `[${engine}] never claims the tokens were stored`);
      } finally {
        await r.close();
      }
    });
  }
});

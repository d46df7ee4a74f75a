// The limits a board must size for (boards/ABI.md, Minimum sizes), proven
// on every engine: with the documented minimum NET_BODY_CAP and storage
// size a 16 KiB token answer links and is stored; one step below either,
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

async function linkWith(engine: EngineName, netBodyCap: number, flashBytes: number) {
  const server = await startAuthServer();
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

const tokenAnswer = (r: { proxy: { requests: { endpoint: string; grantType?: string; status?: number }[] } }) =>
  r.proxy.requests.find((q) => q.endpoint === "token" && q.status === 200);

describe("limits on every engine", { concurrency: true }, () => {
  for (const engine of ENGINES) {
    test(`${engine}: at the minimum body cap and storage a 16 KiB token answer links and is stored`, { timeout: 60000 }, async () => {
      assert.ok(MIN_BODY >= ANSWER_BYTES, "the documented minimum body cap admits a 16 KiB answer");
      const r = await linkWith(engine, MIN_BODY, MIN_STORAGE);
      try {
        await r.d.waitState("linked", 20000);
        await r.d.waitLog(/tokens stored/);
        assert.ok(tokenAnswer(r), "the server answered the token request");
        const bytes = r.d.lines.find((l) => l.ev === "net" && l.status === 200 && l.bytes >= ANSWER_BYTES);
        assert.ok(bytes, `[${engine}] a ${ANSWER_BYTES}-byte answer reached the firmware`);
        await r.d.stop();
        // Restart from that flash: still linked, the large record was really stored.
        const again = new EngineDevice({ ...r.d.opts });
        try {
          await again.waitState("linked", 15000);
          assert.ok(!again.states().includes("awaiting_approval"), `[${engine}] restored from flash`);
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
        const exact = new RegExp(`larger than this board's NET_BODY_CAP of\\s+${cap} bytes`);
        await r.d.waitDisplay(exact, 20000);
        await r.d.waitLog(exact);
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
        const exact = new RegExp(`slot capacity ${capacity}\\b[^]*storage_size ${storage} bytes`);
        await r.d.waitDisplay(exact, 20000);
        await r.d.waitLog(exact);
        assert.ok(!r.d.states().slice(-1).includes("linked"), `[${engine}] does not stay linked on tokens it cannot keep`);
        assert.ok(!r.d.lines.some((l) => l.ev === "log" && /tokens stored/.test(l.text)), `[${engine}] never claims the tokens were stored`);
      } finally {
        await r.close();
      }
    });
  }
});

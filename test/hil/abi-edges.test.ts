// Every engine's board answers the ABI's edge cases the way boards/ABI.md
// says: a probe module (test/abi/probe.wat) calls the imports with bad or
// borderline arguments and stores each result in flash; the expected
// answers come from boards/abi.json.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../support/device.ts";
import { ENGINES, EngineDevice, buildCBoard, tempDataDir } from "../support/engines.ts";
import { loadAbi } from "../support/abi_check.ts";

const abi = loadAbi(ROOT);
const E = abi.status;
const LONG_HEADER = "a".repeat(600);
const BODY = "hello";

/** Case number (offset / 4 in flash) -> what boards/ABI.md says the board answers. */
const EXPECTED: [number, string, number | ((v: number) => boolean)][] = [
  [0, "led_set with a negative period", E.EINVAL],
  [1, "log with an unknown level", E.EINVAL],
  [2, "input_read outside an utterance", E.ENOENT],
  [3, "net_read_body outside a completion", E.ENOENT],
  [4, "net_read_header outside a completion", E.ENOENT],
  [5, "config_read at the end", 0],
  [6, "config_read past the end", E.EINVAL],
  [7, "config_len of an unknown kind", E.ENOENT],
  [8, "board_cap of an unknown id", E.ENOENT],
  [9, "storage_read past the region", E.EINVAL],
  [10, "display_blit with a wrong length", E.EINVAL],
  [11, "seal into a buffer too small", E.ETOOSMALL],
  [12, "unseal of bytes never sealed here", E.EAUTH],
  [13, "seal returns ilen + SEAL_OVERHEAD", 10 + 28],
  [14, "unseal returns the plaintext length", 10],
  [15, "unseal gives the plaintext back", 1],
  [16, "net_request with an ftp URL", E.ENOTSUP],
  [17, "net_request returns an id > 0", (v) => v > 0],
  [18, "completion status", 200],
  [19, "completion body_len", BODY.length],
  [20, "net_read_header into a buffer too small", E.ETOOSMALL],
  [21, "net_read_header returns the whole length", LONG_HEADER.length],
  [22, "net_read_body at the end", 0],
  [23, "net_read_body past the end", E.EINVAL],
  [24, "net_read_header of an absent header", E.ENOENT],
];

let server: http.Server;
let url = "";
let work = "";
let probeWasm = "";
let probeC = "";

before(async () => {
  work = mkdtempSync(join(tmpdir(), "linkfw-probe-"));
  probeWasm = join(work, "probe.wasm");
  const w = spawnSync("wat2wasm", [join(ROOT, "test", "abi", "probe.wat"), "-o", probeWasm], { encoding: "utf8" });
  assert.equal(w.status, 0, `wat2wasm: ${w.stderr}`);
  probeC = buildCBoard(probeWasm, join(work, "c"));
  server = http.createServer((_req, res) => {
    res.writeHead(200, { "x-long": LONG_HEADER, "content-type": "text/plain", "content-length": BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/probe`;
});

after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(work, { recursive: true, force: true });
});

describe("ABI edge cases on every engine", { concurrency: true }, () => {
  for (const engine of ENGINES) {
    test(`${engine}: each edge case answers as boards/ABI.md says`, { timeout: 60000 }, async () => {
      const data = tempDataDir(engine);
      const d = new EngineDevice({ engine, config: url, dataDir: data.dir, wasm: probeWasm, cBinary: probeC });
      try {
        await d.waitState("probe_done", 30000);
        const flash = readFileSync(join(data.dir, "flash.bin"));
        for (const [n, what, want] of EXPECTED) {
          const got = flash.readInt32LE(4 * n);
          if (typeof want === "function") assert.ok(want(got), `[${engine}] case ${n}, ${what}: got ${got}`);
          else assert.equal(got, want, `[${engine}] case ${n}, ${what}`);
        }
      } finally {
        await d.stop();
        data.remove();
      }
    });
  }
});

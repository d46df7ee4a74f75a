// Every engine's board answers the ABI's edge cases the way boards/ABI.md
// says: a probe module (test/abi/probe.wat) calls the imports with bad or
// borderline arguments and stores each result in flash; the expected
// answers come from boards/abi.json.
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
let tlsServer: https.Server;
let url = "";
let redirectUrl = "";
let tlsUrl = "";
let closedUrl = "";
let work = "";
let probeWasm = "";
let probeC = "";
let trapWasm = "";
let trapC = "";

before(async () => {
  work = mkdtempSync(join(tmpdir(), "linkfw-probe-"));
  probeWasm = join(work, "probe.wasm");
  const w = spawnSync("wat2wasm", [join(ROOT, "test", "abi", "probe.wat"), "-o", probeWasm], { encoding: "utf8" });
  assert.equal(w.status, 0, `wat2wasm: ${w.stderr}`);
  probeC = buildCBoard(probeWasm, join(work, "c"));
  trapWasm = join(work, "trap.wasm");
  const t = spawnSync("wat2wasm", [join(ROOT, "test", "abi", "trap.wat"), "-o", trapWasm], { encoding: "utf8" });
  assert.equal(t.status, 0, `wat2wasm: ${t.stderr}`);
  trapC = buildCBoard(trapWasm, join(work, "trap-c"));
  server = http.createServer((req, res) => {
    if (req.url === "/hang") return; // never answered: the board's timeout must end it
    if (req.url === "/big") {
      res.end("x".repeat(2000));
      return;
    }
    if (req.url === "/redirect") {
      res.writeHead(302, { location: "/probe", "content-length": 0 });
      res.end();
      return;
    }
    res.writeHead(200, { "x-long": LONG_HEADER, "content-type": "text/plain", "content-length": BODY.length });
    res.end(BODY);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  url = `${base}/probe`;
  redirectUrl = `${base}/redirect`;
  // A certificate no trust store knows: a board that verifies refuses it.
  const key = join(work, "key.pem"), cert = join(work, "cert.pem");
  const o = spawnSync("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", cert], { encoding: "utf8" });
  assert.equal(o.status, 0, `openssl: ${o.stderr}`);
  tlsServer = https.createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end(BODY));
  await new Promise<void>((r) => tlsServer.listen(0, "127.0.0.1", r));
  tlsUrl = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}/probe`;
  // A port that was just free: nothing listens there.
  const gone = http.createServer();
  await new Promise<void>((r) => gone.listen(0, "127.0.0.1", r));
  closedUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/probe`;
  await new Promise((r) => gone.close(r));
});

after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => tlsServer.close(r));
  rmSync(work, { recursive: true, force: true });
});

type Case = [number, string, number | ((v: number) => boolean)];

/** Runs the probe on one engine against `target` and checks the cases. */
async function probe(engine: (typeof ENGINES)[number], target: () => string, cases: Case[], netBodyCap?: number): Promise<void> {
  const data = tempDataDir(engine);
  const d = new EngineDevice({ engine, config: target(), dataDir: data.dir, wasm: probeWasm, cBinary: probeC, netBodyCap });
  try {
    await d.waitState("probe_done", 30000);
    // Exactly one completion per request: none arrives later.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(d.lines.filter((l) => l.ev === "state" && l.state === "probe_done").length, 1, `[${engine}] one completion`);
    const flash = readFileSync(join(data.dir, "flash.bin"));
    for (const [n, what, want] of cases) {
      const got = flash.readInt32LE(4 * n);
      if (typeof want === "function") assert.ok(want(got), `[${engine}] case ${n}, ${what}: got ${got}`);
      else assert.equal(got, want, `[${engine}] case ${n}, ${what}`);
    }
  } finally {
    await d.stop();
    data.remove();
  }
}

describe("ABI edge cases and network policy on every engine", { concurrency: true }, () => {
  for (const engine of ENGINES) {
    test(`${engine}: each edge case answers as boards/ABI.md says`, { timeout: 60000 }, () => probe(engine, () => url, EXPECTED));
    test(`${engine}: a redirect is delivered, not followed`, { timeout: 60000 }, () =>
      probe(engine, () => redirectUrl, [[18, "status of a 302", 302], [19, "its empty body", 0]]));
    test(`${engine}: TLS verification is on: an unknown certificate fails with NET_TLS`, { timeout: 60000 }, () =>
      probe(engine, () => tlsUrl, [[18, "status", abi.net_status.TLS], [19, "body_len of a negative status", 0],
        [21, "no header to read", E.ENOENT], [22, "no body to read", 0]]));
    test(`${engine}: timeout_ms ends a request that is never answered with NET_TIMEOUT`, { timeout: 60000 }, () =>
      probe(engine, () => url.replace("/probe", "/hang"), [[18, "status", abi.net_status.TIMEOUT], [19, "body_len", 0]]));
    test(`${engine}: a body over NET_BODY_CAP ends with NET_BODY_TOO_LARGE and body_len 0`, { timeout: 60000 }, () =>
      probe(engine, () => url.replace("/probe", "/big"), [[18, "status", abi.net_status.BODY_TOO_LARGE], [19, "body_len", 0]], 1024));
    test(`${engine}: a refused connection ends with NET_CONNECT_FAILED`, { timeout: 60000 }, () =>
      probe(engine, () => closedUrl, [[18, "status", abi.net_status.CONNECT_FAILED], [19, "body_len", 0]]));
    test(`${engine}: an abort and a trap restart the module after the watchdog's 1 s, then 2 s`, { timeout: 60000 }, async () => {
      const data = tempDataDir(engine);
      const d = new EngineDevice({ engine, config: "{}", dataDir: data.dir, wasm: trapWasm, cBinary: trapC });
      try {
        await d.waitState("probe_done", 30000);
        const boots = d.lines.filter((l) => l.ev === "boot");
        const traps = d.lines.filter((l) => l.ev === "trap");
        assert.equal(traps.length, 2, `[${engine}] two crashes`);
        assert.equal(boots.length, 3, `[${engine}] three boots`);
        assert.match(traps[0].message, /proc_exit\(3\)/, `[${engine}] the abort is named`);
        assert.ok(boots[1].t - traps[0].t >= 1000, `[${engine}] first restart after 1 s (${boots[1].t - traps[0].t} ms)`);
        assert.ok(boots[2].t - traps[1].t >= 2000, `[${engine}] the delay doubles (${boots[2].t - traps[1].t} ms)`);
        assert.equal(readFileSync(join(data.dir, "flash.bin"))[0], 3, `[${engine}] flash kept across the crashes`);
      } finally {
        await d.stop();
        data.remove();
      }
    });
  }
});

test("the wasmtime and C boards refuse a flash geometry whose slots would share an erase sector", () => {
  const data = tempDataDir("c");
  try {
    writeFileSync(join(data.dir, "device.json"), "{}");
    // 12 KiB of 4 KiB sectors: slot 1 would start in the middle of sector 1.
    const geometry = ["--flash-bytes", "12288", "--sector-bytes", "4096"];
    const runs = [
      spawnSync(probeC, ["--config", join(data.dir, "device.json"), "--data", data.dir, ...geometry], { encoding: "utf8", timeout: 20000 }),
      spawnSync(join(ROOT, ".venv", "bin", "python"), [join(ROOT, "test", "wasmtime_board.py"), "--wasm", probeWasm,
        "--config", join(data.dir, "device.json"), "--data", data.dir, ...geometry], { encoding: "utf8", timeout: 20000 }),
    ];
    for (const r of runs) {
      assert.notEqual(r.status, 0, "refused");
      assert.match(r.stderr, /two slots of whole 4096-byte sectors/);
    }
  } finally {
    data.remove();
  }
});


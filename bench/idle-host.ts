// The idle figure's host: a process that holds only the host runtime and
// the firmware, so its process.cpuUsage() is the host's cost and nothing
// else's (the authorization server runs in the benchmark's process).
//
//   node --import tsx bench/idle-host.ts SECONDS BOARD  < device-config.json
//
// Waits for awaiting_approval, lets 2 s of start-up work pass, measures a
// window of SECONDS, prints one JSON line and exits.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { loadProfile } from "../host/profile.ts";
import { BenchDevice } from "./device.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const seconds = Number(process.argv[2] ?? "60");
const board = process.argv[3] ?? "tv";
const deviceConfig = readFileSync(0, "utf8");
const tokenEndpoint = String(JSON.parse(deviceConfig).token_endpoint);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let polls = 0;
let measuring = false;
const dev = new BenchDevice({
  wasm: new Uint8Array(readFileSync(join(ROOT, "build", "firmware.wasm"))),
  profile: loadProfile(board),
  deviceConfig,
  actionTable: readFileSync(join(ROOT, "config", "actions.json"), "utf8"),
  onEvent: (e) => {
    if (measuring && e.ev === "net" && e.url === tokenEndpoint) polls++;
  },
});
try {
  dev.start();
  await dev.waitState("awaiting_approval", 20000);
  // The linking screen is drawn and the first request answered; the
  // start-up work (lazy compilation of the module's functions, the HTTP
  // client's first use) is left out of the window.
  await sleep(2000);
  const stats0 = { ...dev.rt.stats };
  const fw0 = dev.entryMs;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  measuring = true;
  await sleep(seconds * 1000);
  measuring = false;
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const s = dev.rt.stats;
  process.stdout.write(JSON.stringify({
    seconds, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, firmwareMs: dev.entryMs - fw0,
    ticks: s.ticks - stats0.ticks, events: s.events - stats0.events, traps: s.traps - stats0.traps,
    lastTrap: dev.rt.lastTrap, polls, state: dev.rt.view.state, memory: dev.rt.memoryBytes(),
  }) + "\n");
} catch (e) {
  process.stdout.write(JSON.stringify({ error: String((e as Error)?.message ?? e) }) + "\n");
} finally {
  dev.stop();
}
process.exit(0);

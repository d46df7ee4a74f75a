// Benchmarks: size, memory, poll timing, idle cost, per-action cost, boot and
// QR encoding of the release firmware, run against the real servers.
//
//   npm run bench                      build, then everything (about 3 minutes)
//   BENCH_IDLE_S=10 npm run bench      a shorter idle window
//
// Prints a table and writes bench/results.json. It reports; it never fails a
// build: a figure that cannot be produced says why, and the exit code is 0.
// Every figure that depends on the machine's speed comes with a ratio
// against a reference measured in the same run. bench/README.md describes
// how each figure is taken.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync, mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { randomBytes, randomFillSync } from "node:crypto";
import qrcode from "qrcode-generator";
import { createSimDevice } from "../host/device.ts";
import { loadProfile, BoardProfile } from "../host/profile.ts";
import { Flash } from "../host/flash.ts";
import { Sealer } from "../host/seal.ts";
import { HttpClient, NetResult } from "../host/net.ts";
import { startAuthServer, AuthServer } from "../host/authserver.ts";
import { startBackend, Backend } from "../host/backend.ts";
import { startFaultProxy, FaultProxy } from "../test/support/fault-proxy.ts";
import { approve } from "../test/support/phone.ts";
import { BenchDevice, Seen } from "./device.ts";
import type { SizeReport } from "./size.ts";
import { MODULE_BUDGET_BYTES } from "./size.ts";
import { memoryLimits } from "./wasm.ts";
import { HeapWatch, heapBase } from "./memory.ts";
import { staticDataEnd } from "../host/heap.ts";
import { cpuMsSince, median, summary } from "./stats.ts";

// ---- settings ---------------------------------------------------------------

function envNumber(name: string, dflt: number): number {
  const v = process.env[name];
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : dflt;
}

const SETTINGS = {
  /** Idle window, seconds. */
  idleS: envNumber("BENCH_IDLE_S", 60),
  /** Polls to watch before approving. */
  polls: envNumber("BENCH_POLLS", 16),
  /** Voice actions through the firmware. */
  actions: envNumber("BENCH_ACTIONS", 10000),
  /** Voice actions through the TypeScript reference loop. */
  refActions: envNumber("BENCH_REF_ACTIONS", 2000),
  /** Voice actions counted by bench/work.ts. */
  workActions: envNumber("BENCH_WORK_ACTIONS", 1000),
  /** Boots per case. */
  boots: envNumber("BENCH_BOOTS", 15),
  /** QR encodes per encoder. */
  qrRounds: envNumber("BENCH_QR_ROUNDS", 300),
  board: process.env.BENCH_BOARD || "tv",
  /** Voice actions per board in the peak-memory phase. */
  memoryActions: envNumber("BENCH_MEMORY_ACTIONS", 200),
  /** Only these phases (comma-separated: size,idle,polls,actions,memory,tokens,boot,qr); all when empty. */
  only: (process.env.BENCH_ONLY || "").split(",").map((x) => x.trim()).filter(Boolean),
};

function runs(phase: string): boolean {
  return SETTINGS.only.length === 0 || SETTINGS.only.includes(phase);
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WASM_PATH = join(ROOT, "build", "firmware.wasm");
const RESULTS = join(ROOT, "bench", "results.json");
const POLL_INTERVAL_S = 1;

function log(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

// ---- figures -----------------------------------------------------------------

type Status = "ok" | "pending" | "n/a" | "error";

interface Figure {
  id: string;
  section: string;
  name: string;
  value: number | null;
  unit: string;
  /** value / reference, when the figure is compared with something. */
  ratio?: number | null;
  /** What the ratio is against, with the reference's own value. */
  reference?: string;
  status: Status;
  note?: string;
}

const figures: Figure[] = [];
const raw: Record<string, unknown> = {};

function fig(f: Omit<Figure, "status"> & { status?: Status }): void {
  figures.push({ status: "ok", ...f });
}

function missing(section: string, id: string, name: string, status: Status, why: string): void {
  figures.push({ id, section, name, value: null, unit: "", status, note: why });
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split("\n")[0];
}

// ---- 1. size (a child process, so its compiles do not count as host CPU) ------

interface SizeChild {
  done: Promise<SizeReport | { fatal: string }>;
  qrPath: string;
}

/**
 * A bench script (`bench/<script>`) in a child process, whose last line of
 * output is its JSON result; `{ fatal }` with what it printed when it fails.
 */
function benchChild<T>(script: string, args: string[]): Promise<T | { fatal: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", script), ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (err += c));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      try {
        resolve(JSON.parse(line));
      } catch {
        resolve({ fatal: `${script} exited ${code}: ${err.slice(-1500) || out.slice(-1500)}` });
      }
    });
  });
}

function startSizeChild(dir: string): SizeChild {
  const qrPath = join(dir, "qr_entry.release.wasm");
  return { done: benchChild<SizeReport>("size.ts", ["--qr-out", qrPath]), qrPath };
}

/** bench/work.ts in a child process: its board's module cache and hook are process-wide. */
function workChild(): Promise<{ perAction: number; actions: number; traps: number } | { fatal: string }> {
  return benchChild("work.ts", [WASM_PATH, String(SETTINGS.workActions)]);
}

function sizeFigures(r: SizeReport | { fatal: string }): void {
  const S = "size";
  if ("fatal" in r) {
    missing(S, "size.total", "release .wasm", "error", firstLine(r.fatal));
    return;
  }
  raw.size = r;
  const note = r.builtFileBytes !== null && r.builtFileBytes !== r.moduleBytes
    ? `build/firmware.wasm is ${r.builtFileBytes} B: the sources changed after the build`
    : undefined;
  fig({ id: "size.total", section: S, name: "release .wasm, total", value: r.moduleBytes, unit: "B", note });
  fig({
    id: "size.budget", section: S, name: "release .wasm against the 64 KiB budget", value: r.moduleBytes, unit: "B",
    ratio: r.moduleBytes / MODULE_BUDGET_BYTES, reference: `budget ${MODULE_BUDGET_BYTES} B`,
    note: r.moduleBytes <= MODULE_BUDGET_BYTES ? `${MODULE_BUDGET_BYTES - r.moduleBytes} B to spare` : `${r.moduleBytes - MODULE_BUDGET_BYTES} B over`,
    status: r.moduleBytes <= MODULE_BUDGET_BYTES ? "ok" : "error",
  });
  const a = r.anatomy;
  if (a) {
    const budget = (bytes: number) => ({ ratio: bytes / MODULE_BUDGET_BYTES, reference: "share of the 64 KiB budget" });
    const code = a.sections["code"] ?? 0;
    const data = a.sections["data"] ?? 0;
    const other = Object.entries(a.sections).filter(([k]) => k !== "code" && k !== "data" && !k.startsWith("custom")).reduce((t, [, v]) => t + v, 0);
    fig({ id: "size.section.code", section: S, name: "code section", value: code, unit: "B", ...budget(code), note: `${a.code.reduce((t, g) => t + g.functions, 0)} functions` });
    for (const g of a.code) {
      fig({ id: `size.code.${g.group}`, section: S, name: `  code: ${g.group}`, value: g.bytes, unit: "B", ...budget(g.bytes), note: `${g.functions} functions` });
    }
    fig({
      id: "size.section.data", section: S, name: "data section", value: data, unit: "B", ...budget(data),
      note: `${a.data.segments} segments, ${a.data.bytes} B of payload; linear memory up to ${a.data.linearEnd} B`,
    });
    fig({
      id: "size.data.strings", section: S, name: "  data: string literals (UTF-16, with headers)", value: a.data.stringBytes, unit: "B", ...budget(a.data.stringBytes),
      note: `${a.data.strings} literals, ${a.data.stringChars} characters`,
    });
    fig({ id: "size.section.other", section: S, name: "other sections (types, imports, functions, globals, exports, ...)", value: other, unit: "B", ...budget(other) });
    raw.sizeLargestFunctions = a.largest;
  }
  for (const p of r.parts) {
    const id = `size.part.${p.id}`;
    if (p.bytes === null) missing(S, id, p.name, "error", p.error ?? "not measured");
    else fig({ id, section: S, name: p.name, value: p.bytes, unit: "B", ratio: p.bytes / r.moduleBytes, reference: "share of the total", note: p.note });
  }
  for (const p of r.standalone) {
    const id = `size.standalone.${p.id}`;
    if (p.bytes === null) missing(S, id, `${p.name} (standalone)`, "error", p.error ?? "not measured");
    else fig({ id, section: S, name: `${p.name} (standalone)`, value: p.bytes, unit: "B" });
  }
  for (const e of r.errors) log(`size: ${e}`);
}

// ---- 2. memory: declared limits -------------------------------------------------

function declaredMemory(wasm: Uint8Array): number | null {
  const S = "memory";
  try {
    const m = memoryLimits(wasm);
    fig({ id: "memory.initial", section: S, name: "declared initial linear memory", value: m.initial * 65536, unit: "B", note: `${m.initial} pages` });
    if (m.maximum === null) missing(S, "memory.maximum", "declared maximum linear memory", "n/a", "the module declares no maximum");
    else fig({ id: "memory.maximum", section: S, name: "declared maximum linear memory", value: m.maximum * 65536, unit: "B", note: `${m.maximum} pages` });
    return m.maximum === null ? null : m.maximum * 65536;
  } catch (e) {
    missing(S, "memory.initial", "declared linear memory", "error", firstLine(e));
    return null;
  }
}

// ---- 4. idle cost ----------------------------------------------------------------

async function idlePhase(): Promise<void> {
  const S = "idle";
  const seconds = SETTINGS.idleS;
  const server = await startAuthServer({ deviceCodeTtl: 180 });
  try {
    const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "idle-host.ts"), String(seconds), SETTINGS.board], {
      cwd: ROOT,
      stdio: ["pipe", "pipe", "inherit"],
    });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (out += c));
    const closed = new Promise<void>((r) => child.on("close", () => r()));
    child.stdin!.end(JSON.stringify(server.deviceConfig()));
    const guard = setTimeout(() => child.kill("SIGKILL"), (seconds + 60) * 1000);
    await closed;
    clearTimeout(guard);
    const r = JSON.parse(out.trim().split("\n").pop() || "{}");
    if (r.error || typeof r.cpuMs !== "number") throw new Error(r.error ?? "the idle host printed no result");
    raw.idle = r;
    const pct = (r.cpuMs / r.wallMs) * 100;
    fig({
      id: "idle.cpu", section: S, name: `host CPU while awaiting approval (${Math.round(r.wallMs / 1000)} s)`, value: pct, unit: "% core",
      reference: "CPU time ÷ wall time of one core; target < 1%",
      note: `${r.cpuMs.toFixed(0)} ms CPU, of which ${r.firmwareMs.toFixed(0)} ms inside the firmware's entry points; ${r.polls} polls at the server's 5 s interval`
        + `${r.state !== "awaiting_approval" ? `; state ended ${r.state}` : ""}${r.traps ? `; ${r.traps} traps (${r.lastTrap})` : ""}`,
    });
    fig({ id: "idle.entries", section: S, name: "firmware entries in that time (ticks + events)", value: r.ticks + r.events, unit: "", note: `${r.ticks} ticks, ${r.events} events` });
  } finally {
    await server.close();
  }
}

// ---- 3 + 2. hardware in the loop: poll timing, memory while linking --------------

interface Rig {
  server: AuthServer;
  backend: Backend;
  proxy: FaultProxy;
  deviceConfig: Record<string, unknown>;
  deviceAnswer: Record<string, unknown> | null;
  close(): Promise<void>;
}

async function startRig(): Promise<Rig> {
  const server = await startAuthServer({ deviceCodeTtl: 600 });
  const backend = await startBackend({ introspect: (t) => server.introspect(t) });
  const rig = { deviceAnswer: null } as Rig;
  const proxy = await startFaultProxy(server.url, {
    interval: POLL_INTERVAL_S,
    strict: true,
    rewriteDeviceResponse: (d) => {
      rig.deviceAnswer = d;
      return d;
    },
  });
  Object.assign(rig, {
    server, backend, proxy,
    deviceConfig: { ...proxy.deviceConfigFor(server.deviceConfig()), backend: backend.url },
    async close() {
      await proxy.close();
      await backend.close();
      await server.close();
    },
  });
  return rig;
}

async function linkPhase(rig: Rig, wasm: Uint8Array, profile: BoardProfile, actionTable: string | null, declaredMax: number | null): Promise<BenchDevice> {
  const S = "polls";
  const tokenEndpoint = String(rig.deviceConfig.token_endpoint);
  const tokenAnswers: Seen[] = [];
  const boots: number[] = [];
  const dev = new BenchDevice({
    wasm, profile, actionTable, deviceConfig: JSON.stringify(rig.deviceConfig), keep: 400,
    onEvent: (e) => {
      if (e.ev === "net" && e.url === tokenEndpoint) tokenAnswers.push(e);
      if (e.ev === "boot") boots.push(e.at);
    },
  });
  dev.start();
  await dev.waitState("awaiting_approval", 20000);
  const want = Math.max(2, SETTINGS.polls);
  const budget = performance.now() + (want * POLL_INTERVAL_S * 1.5 + 10) * 1000;
  while (rig.proxy.polls.length < want && performance.now() < budget) await sleep(25);
  const answer = rig.deviceAnswer;
  if (!answer || typeof answer.user_code !== "string" || typeof answer.verification_uri !== "string") {
    throw new Error("the device authorization answer was not seen at the proxy");
  }
  await approve(answer.verification_uri, answer.user_code);
  const approvedAt = performance.now();
  const linked = await dev.waitState("linked", 15000);
  await sleep(100); // let the linked screen finish
  const interval = POLL_INTERVAL_S * 1000;

  const polls = [...rig.proxy.polls];
  // A gap across a reboot (a trap) is not a polling interval: the new
  // instance asks for a new code and waits one interval from it.
  const rebootedBetween = (a: number, b: number) => boots.some((t) => t > a && t < b);
  const gaps: number[] = [];
  let acrossReboot = 0;
  for (let i = 1; i < polls.length; i++) {
    if (rebootedBetween(polls[i - 1], polls[i])) acrossReboot++;
    else gaps.push(polls[i] - polls[i - 1]);
  }
  const g = summary(gaps);
  raw.polls = { interval, polls: polls.length, gapsMs: gaps, acrossReboot, slowDowns: rig.proxy.slowDowns };
  const beforeApproval = polls.filter((p) => p <= approvedAt).length;
  fig({
    id: "polls.count", section: S, name: "polls before approval (strict server, 1 s interval)", value: beforeApproval, unit: "",
    note: `${polls.length} in all, the last one answered with the tokens`,
  });
  for (const [k, label] of [["min", "min"], ["median", "median"], ["p99", "p99"], ["max", "max"]] as const) {
    fig({
      id: `polls.gap.${k}`, section: S, name: `gap between polls, ${label}`, value: g[k], unit: "ms", ratio: g[k] / interval, reference: `required interval ${interval} ms`,
      note: k === "max" && acrossReboot ? `${acrossReboot} gap(s) across a firmware reboot left out` : undefined,
    });
  }
  fig({
    id: "polls.slow_down", section: S, name: "slow_down answers received (goal 0)", value: rig.proxy.slowDowns, unit: "",
    note: dev.rt.stats.traps ? `the firmware trapped ${dev.rt.stats.traps} times while linking (${dev.rt.lastTrap})` : undefined,
  });

  // Approval to linked, less the time the device still had to wait for its
  // next poll: the first moment it was allowed to ask again is the last
  // poll before the approval plus one interval.
  const before = polls.filter((p) => p <= approvedAt);
  const due = before.length ? before[before.length - 1] + interval : approvedAt;
  const start = Math.max(due, approvedAt);
  const latency = linked.at - start;
  const success = [...tokenAnswers].reverse().find((e) => e.status === 200 && e.at <= linked.at);
  const rtt = success ? Number(success.ms) : NaN;
  const successArrival = rig.proxy.requests.filter((q) => q.endpoint === "token" && q.grantType === "device_code" && q.status === 200).pop()?.at;
  raw.link = { approvedAt, due, linkedAt: linked.at, latency, tokenRoundTripMs: rtt, successPollArrival: successArrival };
  fig({
    id: "polls.link_latency", section: S, name: "approval → linked, beyond the next poll's due time", value: latency, unit: "ms",
    ratio: Number.isFinite(rtt) && rtt > 0 ? latency / rtt : null,
    reference: Number.isFinite(rtt) ? `that token request's round trip ${rtt} ms` : "token round trip not seen",
    note: successArrival !== undefined ? `the poll arrived ${(successArrival - start).toFixed(0)} ms after it was due` : undefined,
  });

  const hw = Math.max(dev.memoryHigh, dev.rt.memoryBytes());
  raw.memoryLinking = hw;
  fig({
    id: "memory.hil", section: "memory", name: "linear memory high-water, linking with approval", value: hw, unit: "B",
    ratio: declaredMax ? hw / declaredMax : null, reference: declaredMax ? "declared maximum" : undefined,
    note: declaredMax !== null && hw === declaredMax ? "the memory's size, fixed at the maximum: what is in use is the peak per board below" : undefined,
  });
  return dev;
}

// ---- 5. per-action cost -----------------------------------------------------------

const SIGNED_IN = /signed in as/i;

/** Runs between blocks of firmware actions: the reference loop's turn (its time is not the firmware's). */
type Between = () => Promise<void>;

/** Blocks the firmware's actions are run in, the TypeScript loop's turn after each. */
const BLOCKS = 10;

async function firmwareActions(dev: BenchDevice, declaredMax: number | null, between: Between): Promise<{ rate: number; ownMs: number; ownMedianMs: number; cpuMs: number; n: number } | null> {
  const S = "actions";
  const rt = dev.rt;
  const onSay = () => dev.next((e) => e.ev === "say", 10000, "a spoken answer");
  const trapped = (before: number) => (rt.stats.traps > before ? `the firmware trapped (${rt.lastTrap ?? "?"})` : null);
  // Contract: "who am i" makes the firmware POST {backend}/WhoAmI and say the answer.
  const traps0 = rt.stats.traps;
  try {
    const first = onSay();
    rt.utter("who am i");
    const e = await first;
    if (!SIGNED_IN.test(String(e.text))) throw new Error(`the device said ${JSON.stringify(e.text)}`);
    const t = trapped(traps0);
    if (t) throw new Error(t);
  } catch (e) {
    const t = trapped(traps0);
    const status: Status = t ? "error" : "pending";
    const why = t ? `${t} on the first voice action` : `voice-action loop not answering yet (${firstLine(e)})`;
    missing(S, "actions.rate", "voice actions per second", status, why);
    missing(S, "actions.firmware_cpu", "firmware CPU per voice action", status, why);
    missing("memory", "memory.after_actions", `linear memory after ${SETTINGS.actions} voice actions`, status, why);
    return null;
  }
  /** One action; a reason to stop, or null. */
  const perAction: number[] = [];
  const one = async (): Promise<string | null> => {
    const before = rt.stats.traps;
    const own0 = dev.ownMs;
    const p = onSay();
    rt.utter("who am i");
    let text: string;
    try {
      text = String((await p).text);
    } catch (e) {
      return trapped(before) ?? firstLine(e);
    }
    if (!SIGNED_IN.test(text)) return trapped(before) ?? `the device said ${JSON.stringify(text)}`;
    perAction.push(dev.ownMs - own0);
    return trapped(before);
  };
  const warmUp = 20; // JIT, connection paths, the backend
  const n = SETTINGS.actions;
  const budgetMs = 150000;
  // Wall time and process CPU spent in `between`, left out of the firmware's figures.
  let asideMs = 0;
  let asideCpuMs = 0;
  type Mark = { own: number; entry: number; entries: number; cpuMs: number; t: number; done: number };
  const mark = (done: number): Mark => {
    const cpu = process.cpuUsage();
    return { own: dev.ownMs, entry: dev.entryMs, entries: dev.entries, cpuMs: (cpu.user + cpu.system) / 1000 - asideCpuMs, t: performance.now() - asideMs, done };
  };
  const start = mark(0);
  let from = start;
  let last = start;
  let done = 0;
  let stop: string | null = null;
  const block = Math.max(1, Math.ceil(n / BLOCKS));
  while (done < warmUp + n) {
    if (done === warmUp) {
      from = mark(done);
      perAction.length = 0;
    }
    if (performance.now() - asideMs - from.t > budgetMs) {
      stop = `stopped by the ${budgetMs / 1000} s budget`;
      break;
    }
    const why = await one();
    if (why) {
      stop = why;
      break;
    }
    done++;
    last = mark(done);
    if (done > warmUp && (done - warmUp) % block === 0) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await between();
      asideMs += performance.now() - t0;
      asideCpuMs += cpuMsSince(cpu0);
    }
  }
  // Stopped during the warm-up or just after it: count from the first action.
  if (done - from.done < 10) from = start;
  const count = done - from.done;
  const memoryNow = Math.max(rt.memoryBytes(), dev.memoryHigh);
  if (count <= 0) {
    const why = `${stop ?? "no actions"} at voice action ${done + 2}`;
    missing(S, "actions.rate", "voice actions per second", "error", why);
    missing(S, "actions.firmware_cpu", "firmware CPU per voice action", "error", why);
    missing("memory", "memory.after_actions", `linear memory after ${SETTINGS.actions} voice actions`, "error", `${why}; memory then ${memoryNow} B`);
    return null;
  }
  // Up to the last answered action: a failed one's wait is not its cost.
  const wall = last.t - from.t;
  const cpuMs = last.cpuMs - from.cpuMs;
  const ownMs = (last.own - from.own) / count;
  const entryMs = (last.entry - from.entry) / count;
  const rate = count / (wall / 1000);
  raw.firmwareActions = {
    n: count, warmUp: from.done, stoppedAfter: stop ? done + 1 : null, stop, wallMs: wall, processCpuMsPerAction: cpuMs / count,
    ownMsPerAction: ownMs, ownMsMedian: median(perAction), entryMsPerAction: entryMs, entriesPerAction: (last.entries - from.entries) / count, traps: rt.stats.traps,
  };
  if (stop) stopNote = `${stop} at voice action ${done + 2} of ${warmUp + n + 1}; figures over the ${count} before it${from === start ? ", warm-up included" : ""}`;
  fig({
    id: "memory.after_actions", section: "memory", name: `linear memory after ${done + 1} voice actions`, value: memoryNow, unit: "B",
    ratio: declaredMax ? memoryNow / declaredMax : null, reference: declaredMax ? "declared maximum" : undefined,
    status: stop ? "error" : "ok", note: stop ? stopNote ?? undefined : undefined,
  });
  return { rate, ownMs, ownMedianMs: median(perAction), cpuMs: cpuMs / count, n: count };
}

/** Set when the firmware's action loop ended early; shown on the action figures. */
let stopNote: string | null = null;

/** An access token for the reference loop, through the device flow like the firmware's. */
async function referenceToken(server: AuthServer): Promise<string> {
  const cfg = server.deviceConfig();
  const form = (o: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(o).toString() });
  const da = await (await fetch(cfg.device_authorization_endpoint, form({ client_id: cfg.client_id, scope: cfg.scope }))).json() as Record<string, string>;
  await approve(da.verification_uri, da.user_code);
  for (let i = 0; i < 20; i++) {
    const t = await (await fetch(cfg.token_endpoint, form({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: da.device_code, client_id: cfg.client_id }))).json() as Record<string, string>;
    if (t.access_token) return t.access_token;
    await sleep(1000);
  }
  throw new Error("no access token for the reference loop");
}

type RefFigures = { rate: number; ownMs: number; ownMedianMs: number; cpuMs: number; n: number };

/**
 * The loop in plain TypeScript: build the request JSON, POST it with the
 * host's HttpClient, parse the answer, take the speech. `ownMs` is the time
 * spent building and parsing, the part the firmware does in wasm. It runs
 * in blocks (`run`), between the firmware's blocks of actions, so both
 * loops are timed across the same stretch of the process's life: run after
 * the firmware's 10,000 actions, it met a process that had warmed up on
 * them, and the firmware's first thousand actions took up to twice as long
 * as its last.
 */
async function referenceLoop(rig: Rig, profile: BoardProfile): Promise<{ run: (n: number) => Promise<void>; figures: () => RefFigures | null }> {
  const token = await referenceToken(rig.server);
  const client = new HttpClient({ bodyCap: profile.netBodyCap, maxInFlight: 4 });
  const url = `${rig.backend.url}/WhoAmI`;
  const sessionId = randomBytes(16).toString("hex");
  let isNew = true;
  let own = 0;
  const perAction: number[] = [];
  const one = () => new Promise<void>((resolve, reject) => {
    const own0 = own;
    const t0 = performance.now();
    const body = JSON.stringify({
      version: "2.0",
      action: { actionName: "WhoAmI", parameters: {} },
      context: { session: { id: sessionId, isNew, accessToken: token }, device: { type: profile.deviceType, state: {} } },
    });
    const headers = `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nAccept: application/json`;
    own += performance.now() - t0;
    const id = client.request({ method: "POST", url, headers, body: Buffer.from(body), timeoutMs: 8000 }, (r: NetResult) => {
      const t1 = performance.now();
      try {
        const a = JSON.parse(Buffer.from(r.body).toString("utf8"));
        const speech = a?.version === "2.0" && a.resultCode === "OK" ? (a.output?.speech ?? a.output?.display) : undefined;
        own += performance.now() - t1;
        isNew = false;
        if (r.status !== 200 || typeof speech !== "string" || !SIGNED_IN.test(speech)) reject(new Error(`reference answer ${r.status}`));
        else {
          perAction.push(own - own0);
          resolve();
        }
      } catch (e) {
        reject(e);
      }
    });
    if (id < 0) reject(new Error(`HttpClient refused: ${id}`));
  });
  for (let i = 0; i < 50; i++) await one();
  own = 0;
  perAction.length = 0;
  let n = 0;
  let wall = 0;
  let cpuMs = 0;
  return {
    run: async (k: number) => {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < k; i++) {
        await one();
        n++;
      }
      wall += performance.now() - t0;
      cpuMs += cpuMsSince(cpu0);
    },
    figures: () => {
      if (n === 0) return null;
      raw.referenceActions = { n, blocks: BLOCKS, wallMs: wall, processCpuMsPerAction: cpuMs / n, ownMsPerAction: own / n, ownMsMedian: median(perAction) };
      return { rate: n / (wall / 1000), ownMs: own / n, ownMedianMs: median(perAction), cpuMs: cpuMs / n, n };
    },
  };
}

async function actionsPhase(rig: Rig, dev: BenchDevice, profile: BoardProfile, declaredMax: number | null): Promise<void> {
  const S = "actions";
  let loop: Awaited<ReturnType<typeof referenceLoop>> | null = null;
  let refFailed: string | null = null;
  try {
    loop = await referenceLoop(rig, profile);
  } catch (e) {
    refFailed = firstLine(e);
  }
  const perBlock = Math.max(1, Math.round(SETTINGS.refActions / BLOCKS));
  const between: Between = async () => {
    if (!loop || refFailed) return;
    try {
      await loop.run(perBlock);
    } catch (e) {
      refFailed = firstLine(e);
    }
  };
  const fw = await firmwareActions(dev, declaredMax, between);
  if (!fw) return;
  let ref: RefFigures | null = null;
  if (refFailed) log(`reference loop failed: ${refFailed}`);
  else if (loop) {
    ref = loop.figures();
    if (!ref) log("reference loop failed: the firmware's loop stopped before the loop's first turn");
  }
  const against = (v: number, r: number | undefined, what: string, unit: string) =>
    r === undefined ? { ratio: null, reference: "the TypeScript loop failed" } : { ratio: v / r, reference: `${what}: ${fmt(r)} ${unit}` };
  fig({
    id: "actions.rate", section: S, name: `voice actions per second (${fw.n}, one at a time)`, value: fw.rate, unit: "/s",
    ...against(fw.rate, ref?.rate, `TypeScript loop (${ref?.n ?? 0})`, "/s"),
    status: stopNote ? "error" : "ok", note: stopNote ?? undefined,
  });
  fig({
    id: "actions.firmware_cpu", section: S, name: "firmware CPU per voice action (in wasm, board calls excluded)", value: fw.ownMs * 1000, unit: "µs",
    ...against(fw.ownMs * 1000, ref ? ref.ownMs * 1000 : undefined, "TypeScript build + parse", "µs"),
    note: `mean; median ${(fw.ownMedianMs * 1000).toFixed(1)} µs against ${ref ? (ref.ownMedianMs * 1000).toFixed(1) : "?"} µs; with board calls ${(((raw.firmwareActions as { entryMsPerAction: number }).entryMsPerAction) * 1000).toFixed(0)} µs`,
    status: stopNote ? "error" : "ok",
  });
  fig({
    id: "actions.process_cpu", section: S, name: "process CPU per voice action (host, servers included)", value: fw.cpuMs * 1000, unit: "µs",
    ...against(fw.cpuMs * 1000, ref ? ref.cpuMs * 1000 : undefined, "TypeScript loop", "µs"),
    status: stopNote ? "error" : "ok",
  });
}

// ---- 2b. peak memory per board, and the largest token answer that links ---------

const MEMORY_BOARDS = ["tv", "oled", "speaker"];
const MOMENTS = ["boot", "code answer", "token answer", "action"] as const;

/**
 * One board from boot to voice actions: the heap's high-water mark after
 * each moment (boot: fw_init done; code answer: awaiting_approval shown;
 * token answer: linked and stored; action: after the voice actions).
 */
async function memoryOnBoard(rig: Rig, wasm: Uint8Array, board: string, actionTable: string | null): Promise<{ peaks: Record<string, number>; size: number; traps: number; lastTrap: string | null; liveAfterBoot: number; liveLow: number; usedHigh: number }> {
  const profile = loadProfile(board);
  const dev = new BenchDevice({ wasm, profile, actionTable, deviceConfig: JSON.stringify(rig.deviceConfig), keep: 400 });
  const watch = new HeapWatch(dev.rt, heapBase(wasm));
  const dataEnd = staticDataEnd(wasm);
  const peaks: Record<string, number> = {};
  try {
    dev.start();
    peaks["boot"] = watch.peak();
    // fw_init ends with a full collection: what is in use then is live.
    const liveAfterBoot = watch.census(dataEnd)?.used ?? 0;
    let liveLow = Infinity, usedHigh = 0;
    await dev.waitState("awaiting_approval", 20000);
    peaks["code answer"] = watch.peak();
    const answer = rig.deviceAnswer;
    if (!answer) throw new Error("the device authorization answer was not seen at the proxy");
    await approve(String(answer.verification_uri), String(answer.user_code));
    await dev.waitState("linked", 20000);
    await sleep(100);
    peaks["token answer"] = watch.peak();
    const utterances = ["who am i", "where is order 12345", "what's on my schedule today", "track order number 4 2"];
    // The backend's answer reaching the device ends an action (a board
    // without a speaker shows the answer instead of saying it).
    const backend = rig.backend.url;
    for (let i = 0; i < SETTINGS.memoryActions; i++) {
      const answered = dev.next((e) => e.ev === "net" && String(e.url).startsWith(backend), 10000, "the backend's answer");
      dev.rt.utter(utterances[i % utterances.length]);
      await answered;
      await sleep(2);
      const c = watch.census(dataEnd);
      if (c) {
        liveLow = Math.min(liveLow, c.used);
        usedHigh = Math.max(usedHigh, c.used);
      }
    }
    peaks["action"] = watch.peak();
    return { peaks, size: watch.size(), traps: dev.rt.stats.traps, lastTrap: dev.rt.lastTrap, liveAfterBoot, liveLow, usedHigh };
  } finally {
    dev.stop();
  }
}

async function memoryPhase(rig: Rig, wasm: Uint8Array, actionTable: string | null): Promise<void> {
  const S = "memory";
  const declared = memoryLimits(wasm).maximum;
  const declaredBytes = declared === null ? null : declared * 65536;
  fig({ id: "memory.static", section: S, name: "static data (strings, tables) in linear memory", value: heapBase(wasm), unit: "B",
    ratio: declaredBytes ? heapBase(wasm) / declaredBytes : null, reference: declaredBytes ? "declared maximum" : undefined });
  const perBoard: Record<string, unknown> = {};
  for (const board of MEMORY_BOARDS) {
    try {
      const r = await memoryOnBoard(rig, wasm, board, actionTable);
      perBoard[board] = r;
      let peak = 0;
      let moment = "";
      for (const m of MOMENTS) {
        const v = r.peaks[m];
        if (v !== undefined && v > peak) {
          peak = v;
          moment = m;
        }
      }
      const steps = MOMENTS.filter((m) => r.peaks[m] !== undefined).map((m) => `${m} ${r.peaks[m].toLocaleString("en-US")}`).join(", ");
      fig({
        id: `memory.peak.${board}`, section: S, name: `${board}: peak linear memory in use (reached at: ${moment})`, value: peak, unit: "B",
        ratio: declaredBytes ? peak / declaredBytes : null, reference: declaredBytes ? "declared maximum" : undefined,
        note: `high-water after ${steps}; ${SETTINGS.memoryActions} voice actions`
          + (r.traps ? `; ${r.traps} trap(s): ${r.lastTrap}` : ""),
        status: r.traps ? "error" : "ok",
      });
      fig({
        id: `memory.live.${board}`, section: S, name: `${board}: live heap after boot`, value: r.liveAfterBoot, unit: "B",
        note: `in allocator blocks after fw_init (which ends with a collection); after each voice action: lowest ${r.liveLow.toLocaleString("en-US")}, highest ${r.usedHigh.toLocaleString("en-US")}`,
      });
      if (declaredBytes) {
        fig({ id: `memory.headroom.${board}`, section: S, name: `${board}: headroom (declared − peak)`, value: declaredBytes - peak, unit: "B",
          status: r.traps ? "error" : "ok" });
      }
    } catch (e) {
      missing(S, `memory.peak.${board}`, `${board}: peak linear memory`, "error", firstLine(e));
    }
  }
  raw.memoryPerBoard = perBoard;
}

/** A JWT-shaped string of exactly `n` characters (three base64url parts). */
function jwtLike(n: number): string {
  const body = randomBytes(Math.ceil(n * 0.75) + 3).toString("base64url").slice(0, Math.max(n - 2, 1));
  const a = Math.floor(body.length / 5);
  const b = Math.floor((body.length * 4) / 5);
  return (body.slice(0, a) + "." + body.slice(a, b) + "." + body.slice(b)).slice(0, n);
}

/**
 * The token answer of the issue, scaled to `target` bytes, in the shape
 * test/hil/engines-limits.test.ts links: per 16 KiB a 6 KiB JWT access
 * token, the server's own refresh token, and a JWT id_token that fills the
 * rest (at 16 KiB about 9.7 KiB, so at least the issue's 6 KiB). The id_token
 * is read past, never stored; the access and refresh tokens are sealed in
 * flash. Every other field of the server's answer stays; the JSON is
 * exactly `target` bytes.
 */
function issueShapedAnswer(d: Record<string, unknown>, target: number): Record<string, unknown> {
  const out = { ...d, access_token: jwtLike(Math.floor((target * 6) / 16)), id_token: "" };
  out.id_token = jwtLike(Math.max(target - JSON.stringify(out).length, 1));
  return out;
}

/**
 * The largest issue-shaped token answer (issueShapedAnswer) with which the
 * device still links and stores its tokens: sizes go up in steps on a fresh
 * device each time until one does not link, then the gap between the last
 * that linked and the first that did not is halved down to 512 bytes.
 */
async function tokensPhase(wasm: Uint8Array, actionTable: string | null): Promise<void> {
  const S = "memory";
  const board = SETTINGS.board;
  const profile = loadProfile(board);
  const server = await startAuthServer({ deviceCodeTtl: 600 });
  let target = 0;
  let deviceAnswer: Record<string, unknown> | null = null;
  const proxy = await startFaultProxy(server.url, {
    interval: POLL_INTERVAL_S,
    rewriteDeviceResponse: (d) => (deviceAnswer = d),
    rewriteTokenResponse: (d) => (typeof d.access_token !== "string" || target <= 0 ? d : issueShapedAnswer(d, target)),
  });
  const config = JSON.stringify(proxy.deviceConfigFor(server.deviceConfig()));
  const tried: { bytes: number; linked: boolean; why?: string; peak?: number }[] = [];
  const attempt = async (bytes: number): Promise<boolean> => {
    target = bytes;
    deviceAnswer = null;
    const dev = new BenchDevice({ wasm, profile, actionTable, deviceConfig: config, keep: 200 });
    const watch = new HeapWatch(dev.rt, heapBase(wasm));
    let linked = false;
    let why: string | undefined;
    try {
      dev.start();
      await dev.waitState("awaiting_approval", 20000);
      const a = deviceAnswer as Record<string, unknown> | null;
      if (!a) throw new Error("no device authorization answer");
      const done = dev.next((e) => (e.ev === "state" && (e.state === "linked" || e.state === "error" || e.state === "backoff")) || e.ev === "trap", 30000, "linked or a failure");
      await approve(String(a.verification_uri), String(a.user_code));
      const e = await done;
      linked = e.ev === "state" && e.state === "linked";
      if (!linked) {
        // The device's own last error line says which limit it met (store, body cap, memory).
        const said = [...dev.recent].reverse().find((l) => l.ev === "log" && l.level === "error");
        why = e.ev === "trap" ? `trap: ${e.message}` : `state ${e.state}${said ? `: ${String(said.text)}` : ""}`;
      }
    } catch (e) {
      why = firstLine(e);
    } finally {
      dev.stop();
    }
    tried.push({ bytes, linked, why, peak: watch.peak() });
    log(`tokens: ${bytes} B answer: ${linked ? "linked" : `not linked (${why})`}, peak ${watch.peak()} B`);
    return linked;
  };
  let good = 0;
  let bad = 0;
  try {
    for (const kib of [2, 4, 8, 12, 16, 20, 24, 32, 48, 64]) {
      if (await attempt(kib * 1024)) good = kib * 1024;
      else { bad = kib * 1024; break; }
    }
    while (bad > 0 && bad - good > 512) {
      const mid = Math.round((good + bad) / 2 / 256) * 256;
      if (await attempt(mid)) good = mid;
      else bad = mid;
    }
  } finally {
    await proxy.close();
    await server.close();
  }
  raw.tokenAnswers = tried;
  const firstBad = tried.filter((t) => !t.linked).sort((x, y) => x.bytes - y.bytes)[0];
  fig({
    id: "memory.largest_token_answer", section: S,
    name: `largest token answer that links (${board}; per 16 KiB: 6 KiB JWT access token, the server's refresh token, a JWT id_token filling the rest)`,
    value: good, unit: "B",
    ratio: good / 16384, reference: "goal 16 KiB",
    note: firstBad ? `${firstBad.bytes} B did not: ${firstBad.why}` : "the largest size tried linked",
    status: good >= 16384 ? "ok" : "error",
  });
}

// ---- 6. boot --------------------------------------------------------------------

/** (module (func (export "f"))): the smallest module worth instantiating. */
const EMPTY_MODULE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
  0x03, 0x02, 0x01, 0x00,
  0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,
  0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b,
]);

/**
 * What counts as the first frame: the text screen when the board has one,
 * else the first pixels, else (a speaker) the first LED pattern.
 */
function frameEvent(profile: BoardProfile): "display" | "blit" | "led" {
  return profile.text ? "display" : profile.display ? "blit" : "led";
}

async function bootOnce(wasm: Uint8Array, profile: BoardProfile, deviceConfig: string, actionTable: string | null, flash: Flash, sealer: Sealer): Promise<{ ms: number; text: string }> {
  const want = frameEvent(profile);
  let firstAt = -1;
  let text = "";
  let resolveFirst: () => void = () => {};
  const shown = new Promise<void>((r) => (resolveFirst = r));
  const first = (what: string) => {
    if (firstAt >= 0) return;
    firstAt = performance.now();
    text = what;
    resolveFirst();
  };
  const t0 = performance.now();
  const rt = createSimDevice({
    wasm, profile, deviceConfig, actionTable, flash, sealer,
    trace: (e) => {
      if (e.ev === want && want === "display") first(String(e.text));
      else if (e.ev === want && want === "led") first(`LED ${e.pattern} ${e.rgb}`);
    },
  }).runtime;
  if (want === "blit") rt.onBlit = (x, y, w, h) => first(`pixels ${w}x${h} at ${x},${y}`);
  rt.start();
  if (firstAt < 0) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no ${want} event within 5 s of boot`)), 5000);
    });
    try {
      await Promise.race([shown, timeout]);
    } finally {
      clearTimeout(timer);
      rt.stop();
    }
  }
  rt.stop();
  return { ms: firstAt - t0, text };
}

async function bootPhase(rig: Rig, wasm: Uint8Array, profile: BoardProfile, actionTable: string | null, linked: { image: Uint8Array; sealer: Sealer } | null): Promise<void> {
  const S = "boot";
  const n = Math.max(3, SETTINGS.boots);
  const emptyTimes: number[] = [];
  for (let i = 0; i < 20; i++) new WebAssembly.Instance(new WebAssembly.Module(EMPTY_MODULE), {});
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    new WebAssembly.Instance(new WebAssembly.Module(EMPTY_MODULE), {});
    emptyTimes.push(performance.now() - t0);
  }
  const empty = median(emptyTimes);
  fig({ id: "boot.empty", section: S, name: "reference: compile + instantiate an empty module", value: empty * 1000, unit: "µs" });
  const deviceConfig = JSON.stringify(rig.deviceConfig);
  const cases: [string, string, () => { flash: Flash; sealer: Sealer } | null][] = [
    ["boot.unlinked", `module bytes → first frame (${frameEvent(profile)}), unlinked`, () => ({ flash: new Flash(profile.flashBytes), sealer: new Sealer(randomBytes(32)) })],
    ["boot.linked", `module bytes → first frame (${frameEvent(profile)}), linked from flash`, () => {
      if (!linked) return null;
      const flash = new Flash(profile.flashBytes);
      flash.write(0, linked.image);
      return { flash, sealer: linked.sealer };
    }],
  ];
  for (const [id, name, make] of cases) {
    try {
      if (!make()) {
        missing(S, id, name, "n/a", "no flash image from a linked run");
        continue;
      }
      const times: number[] = [];
      let first = NaN;
      let text = "";
      for (let i = 0; i < n; i++) {
        const { flash, sealer } = make()!;
        const r = await bootOnce(wasm, profile, deviceConfig, actionTable, flash, sealer);
        if (i === 0) first = r.ms;
        times.push(r.ms);
        text = r.text;
        await sleep(20);
      }
      const m = median(times);
      const shows = text.split("\n").find((l) => l.trim()) ?? "";
      raw[id] = { times, first, screen: text };
      fig({ id, section: S, name, value: m, unit: "ms", ratio: m / empty, reference: `empty module ${(empty * 1000).toFixed(1)} µs`, note: `median of ${n}, first ${first.toFixed(1)} ms; shows "${shows.trim().slice(0, 40)}"` });
    } catch (e) {
      missing(S, id, name, "error", firstLine(e));
    }
  }
}

// ---- 7. QR ----------------------------------------------------------------------

interface QrExports {
  memory: WebAssembly.Memory;
  _start(): void;
  qr_input(len: number): number;
  qr_encode(len: number, ecl: number, mask: number): number;
  qr_version(): number;
  qr_collect(): void;
}

function qrPhase(qrPath: string): void {
  const S = "qr";
  if (!existsSync(qrPath)) {
    missing(S, "qr.encode", "encode a 60-byte URL at M", "error", "test/qr/qr_entry.ts was not compiled (see the size figures)");
    return;
  }
  let instance: WebAssembly.Instance;
  const mem = () => (instance.exports as unknown as QrExports).memory;
  const wasi = {
    fd_write: (_fd: number, iovs: number, n: number, written: number) => {
      const v = new DataView(mem().buffer);
      let total = 0;
      for (let i = 0; i < n; i++) total += v.getUint32(iovs + i * 8 + 4, true);
      v.setUint32(written, total, true);
      return 0;
    },
    proc_exit: (code: number) => {
      throw new Error(`proc_exit(${code})`);
    },
    random_get: (ptr: number, len: number) => {
      randomFillSync(new Uint8Array(mem().buffer, ptr, len));
      return 0;
    },
    clock_time_get: (_id: number, _p: bigint, out: number) => {
      new DataView(mem().buffer).setBigUint64(out, process.hrtime.bigint(), true);
      return 0;
    },
  };
  instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(qrPath)), { wasi_snapshot_preview1: wasi });
  const fw = instance.exports as unknown as QrExports;
  fw._start();
  const url = new TextEncoder().encode("https://example.com/device?user_code=WDJB-MJHT&client=tv0001");
  const rounds = Math.max(10, SETTINGS.qrRounds);
  const time = (f: () => void) => {
    for (let i = 0; i < 30; i++) f();
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) f();
    return (performance.now() - t0) / rounds;
  };
  const ptr = fw.qr_input(url.length);
  new Uint8Array(fw.memory.buffer, ptr, url.length).set(url);
  let size = 0;
  // One encode and one collection per round: the firmware collects at
  // the end of every entry, and the release build's memory is 2 pages.
  const fwMs = time(() => {
    size = fw.qr_encode(url.length, 1, -1);
    fw.qr_collect();
  });
  const text = String.fromCharCode(...url);
  let refSize = 0;
  const refMs = time(() => {
    const q = qrcode(0, "M");
    q.addData(text, "Byte");
    q.make();
    refSize = q.getModuleCount();
  });
  raw.qr = { bytes: url.length, rounds, firmwareMs: fwMs, referenceMs: refMs, version: fw.qr_version(), size, refSize };
  fig({
    id: "qr.encode", section: S, name: `encode a ${url.length}-byte URL at M, auto mask (version ${fw.qr_version()})`, value: fwMs * 1000, unit: "µs",
    ratio: fwMs / refMs, reference: `qrcode-generator ${(refMs * 1000).toFixed(0)} µs`,
    note: size !== refSize ? `symbol sizes differ: ${size} vs ${refSize}` : `mean of ${rounds}, a collection after each; release build of test/qr/qr_entry.ts`,
  });
}

// ---- output -----------------------------------------------------------------------

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString("en-US");
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toPrecision(2);
}

function fmtValue(f: Figure): string {
  if (f.value === null) return f.status;
  if (f.unit === "B") return `${Math.round(f.value).toLocaleString("en-US")} B`;
  if (f.unit === "") return Math.round(f.value).toLocaleString("en-US");
  return `${fmt(f.value)}${f.unit ? " " + f.unit : ""}`;
}

function fmtRatio(f: Figure): string {
  if (f.ratio === undefined || f.ratio === null) return "";
  if (f.reference === "share of the total" || f.reference === "declared maximum" || f.reference === "share of the 64 KiB budget") return `${(f.ratio * 100).toFixed(1)}%`;
  return `${fmt(f.ratio)}×`;
}

function printTable(): void {
  const rows = figures.map((f) => [
    f.section, f.name, fmtValue(f), fmtRatio(f),
    [f.value !== null && f.status !== "ok" ? `[${f.status}]` : "", f.reference, f.note].filter(Boolean).join("; "),
  ]);
  const head = ["section", "figure", "value", "ratio", "reference / note"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (i === 4 ? 0 : r[i].length))));
  const line = (r: string[]) => r.map((c, i) => (i === 2 || i === 3 ? c.padStart(widths[i]) : i === 4 ? c : c.padEnd(widths[i]))).join("  ").trimEnd();
  const out = [line(head), widths.map((w, i) => "-".repeat(i === 4 ? 16 : w)).join("  ")];
  let last = "";
  for (const r of rows) {
    out.push(line([r[0] === last ? "" : r[0], ...r.slice(1)]));
    last = r[0];
  }
  process.stdout.write(out.join("\n") + "\n");
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// ---- main -------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = performance.now();
  const tmp = mkdtempSync(join(tmpdir(), "linkfw-bench-"));
  const wasm = new Uint8Array(readFileSync(WASM_PATH));
  const profile = loadProfile(SETTINGS.board);
  const actionsPath = join(ROOT, "config", "actions.json");
  const actionTable = existsSync(actionsPath) ? readFileSync(actionsPath, "utf8") : null;
  log(`board ${profile.name}, ${wasm.length} B module; compiling size variants in a child process`);
  const size = startSizeChild(tmp);

  const declaredMax = declaredMemory(wasm);

  if (runs("idle")) {
    log(`idle: ${SETTINGS.idleS} s awaiting approval`);
    try {
      await idlePhase();
    } catch (e) {
      missing("idle", "idle.cpu", "host CPU while awaiting approval", "error", firstLine(e));
    }
  }

  log("size: waiting for the compiles");
  sizeFigures(await size.done);

  let rig: Rig | null = null;
  let dev: BenchDevice | null = null;
  let linked: { image: Uint8Array; sealer: Sealer } | null = null;
  if (runs("polls") || runs("actions") || runs("boot")) {
    log(`polls: ${SETTINGS.polls} polls at a strict 1 s server, then approval`);
    try {
      rig = await startRig();
      dev = await linkPhase(rig, wasm, profile, actionTable, declaredMax);
      linked = { image: dev.flash.image(), sealer: dev.sealer };
    } catch (e) {
      missing("polls", "polls.count", "poll timing", "error", firstLine(e));
    }
  }

  if (rig && dev && runs("actions")) {
    log(`actions: ${SETTINGS.actions} voice actions in ${BLOCKS} blocks, ${SETTINGS.refActions} through the TypeScript loop between them`);
    try {
      await actionsPhase(rig, dev, profile, declaredMax);
    } catch (e) {
      missing("actions", "actions.rate", "voice actions per second", "error", firstLine(e));
    }
  }
  dev?.stop();

  if (runs("actions")) {
    log("actions: per-action CPU in a quiet process");
    const q = await benchChild<{ firmwareUs: number; referenceUs: number; batches: number }>("quiet.ts", [WASM_PATH]);
    if ("fatal" in q) missing("actions", "actions.firmware_quiet", "firmware CPU per voice action, quiet process", "error", firstLine(q.fatal));
    else {
      raw.quietActions = q;
      fig({
        id: "actions.firmware_quiet", section: "actions", name: "firmware CPU per voice action, quiet process (in wasm, board calls excluded)",
        value: q.firmwareUs, unit: "µs", ratio: q.firmwareUs / q.referenceUs, reference: `TypeScript build + parse: ${fmt(q.referenceUs)} µs`,
        note: `in-process board, no servers, warm caches (bench/quiet.ts); median of ${q.batches} batches`,
      });
    }
    log("actions: the firmware's work per voice action, counted");
    const r = await workChild();
    if ("fatal" in r) missing("actions", "actions.firmware_work", "firmware work per voice action", "error", firstLine(r.fatal));
    else {
      raw.firmwareWork = r;
      fig({
        id: "actions.firmware_work", section: "actions", name: "firmware work per voice action (function entries + loop iterations, counted)",
        value: r.perAction, unit: "calls", status: r.traps > 0 ? "error" : "ok",
        note: `wasm-opt --log-execution on the in-process board (bench/work.ts), ${r.actions} actions; the same on any machine for the same module`,
      });
    }
  }

  if (runs("memory")) {
    log(`memory: peak per board (${MEMORY_BOARDS.join(", ")}), ${SETTINGS.memoryActions} voice actions each`);
    let mrig: Rig | null = null;
    try {
      mrig = await startRig();
      await memoryPhase(mrig, wasm, actionTable);
    } catch (e) {
      missing("memory", "memory.peak", "peak memory per board", "error", firstLine(e));
    } finally {
      await mrig?.close();
    }
  }

  if (runs("tokens")) {
    log("tokens: the largest token answer that links");
    try {
      await tokensPhase(wasm, actionTable);
    } catch (e) {
      missing("memory", "memory.largest_token_answer", "largest token answer that links", "error", firstLine(e));
    }
  }

  if (rig && runs("boot")) {
    log("boot");
    await bootPhase(rig, wasm, profile, actionTable, linked);
  } else if (runs("boot")) {
    missing("boot", "boot.unlinked", "boot", "error", "the servers did not start");
  }

  if (runs("qr")) {
    log("qr");
    try {
      qrPhase(size.qrPath);
    } catch (e) {
      missing("qr", "qr.encode", "QR encode", "error", firstLine(e));
    }
  }

  await rig?.close();
  rmSync(tmp, { recursive: true, force: true });

  const order = ["size", "memory", "polls", "idle", "actions", "boot", "qr"];
  figures.sort((a, b) => order.indexOf(a.section) - order.indexOf(b.section));
  const result = {
    when: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? "unknown",
    cpus: cpus().length,
    board: profile.name,
    settings: SETTINGS,
    seconds: (performance.now() - started) / 1000,
    figures,
    raw,
  };
  writeFileSync(RESULTS, JSON.stringify(result, null, 2) + "\n");
  printTable();
  log(`wrote ${RESULTS} in ${result.seconds.toFixed(0)} s`);
}

process.on("unhandledRejection", (e) => log(`ignored a stray rejection: ${firstLine(e)}`));

main().then(
  () => process.exit(0),
  (e) => {
    log(`stopped early: ${e?.stack ?? e}`);
    process.exit(0);
  },
);

// A simulated device for hardware-in-loop tests: the real firmware module in
// the real host, started as its own process in headless mode, read through
// its JSON-lines trace and driven through stdin, as a rig drives a board
// (Device); or in this process on the same simulated device (LocalDevice).
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { createSimDevice, SimDevice } from "../../host/device.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export type TraceLine = { t: number; ev: string; at: number; [k: string]: any };

export interface DeviceOptions {
  config: object | string;
  board?: string;
  /** Reuse a data dir (flash and sealing key) across restarts. */
  dataDir?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export class Device {
  readonly lines: TraceLine[] = [];
  readonly raw: string[] = [];
  readonly stderr: string[] = [];
  readonly dataDir: string;
  private proc: ChildProcess;
  private waiters: { pred: (l: TraceLine) => boolean; resolve: (l: TraceLine) => void }[] = [];
  private exited: Promise<number | null>;
  private ownData: boolean;
  private configPath: string;

  constructor(opts: DeviceOptions) {
    this.ownData = !opts.dataDir;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "linkfw-dev-"));
    this.configPath = join(this.dataDir, "device-config.json");
    writeFileSync(this.configPath, typeof opts.config === "string" ? opts.config : JSON.stringify(opts.config));
    const args = ["--import", "tsx", join(ROOT, "host", "sim.ts"), "--headless", "--config", this.configPath,
      "--board", opts.board ?? "tv", "--data", this.dataDir, ...(opts.extraArgs ?? [])];
    this.proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
    let buf = "";
    this.proc.stdout!.setEncoding("utf8");
    this.proc.stdout!.on("data", (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.raw.push(text);
        let l: TraceLine;
        try {
          l = { ...JSON.parse(text), at: performance.now() };
        } catch {
          l = { t: -1, ev: "unparsable", text, at: performance.now() };
        }
        this.lines.push(l);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(l)) return true;
          w.resolve(l);
          return false;
        });
      }
    });
    this.proc.stderr!.setEncoding("utf8");
    this.proc.stderr!.on("data", (c: string) => this.stderr.push(c));
    this.exited = new Promise((r) => this.proc.on("exit", (code) => r(code)));
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** Resolves with the first trace line (already seen or future) that matches. */
  waitFor(pred: (l: TraceLine) => boolean, timeoutMs = 20000, what = "a trace line"): Promise<TraceLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return this.next(pred, timeoutMs, what);
  }

  /** Resolves with the next future trace line that matches. */
  next(pred: (l: TraceLine) => boolean, timeoutMs = 20000, what = "a trace line"): Promise<TraceLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const tail = this.raw.slice(-15).join("\n");
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last trace lines:\n${tail}\nstderr: ${this.stderr.join("").slice(-2000)}`));
      }, timeoutMs);
      const done = (l: TraceLine) => {
        clearTimeout(timer);
        resolve(l);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  waitState(state: string, timeoutMs = 20000): Promise<TraceLine> {
    return this.waitFor((l) => l.ev === "state" && l.state === state, timeoutMs, `state ${state}`);
  }

  nextState(state: string, timeoutMs = 20000): Promise<TraceLine> {
    return this.next((l) => l.ev === "state" && l.state === state, timeoutMs, `state ${state}`);
  }

  /** Waits until the screen shows text matching `re` (a state line comes before its screen). */
  waitDisplay(re: RegExp, timeoutMs = 20000): Promise<TraceLine> {
    return this.waitFor((l) => l.ev === "display" && re.test(l.text), timeoutMs, `display matching ${re}`);
  }

  states(): string[] {
    return this.lines.filter((l) => l.ev === "state").map((l) => l.state);
  }

  lastDisplay(): string {
    const d = this.lines.filter((l) => l.ev === "display");
    return d.length ? d[d.length - 1].text : "";
  }

  send(msg: object): void {
    this.proc.stdin!.write(JSON.stringify(msg) + "\n");
  }

  press(button: "link" | "unlink" | "action"): void {
    this.send({ button });
  }

  say(text: string): void {
    this.send({ say: text });
  }

  /** The whole trace as text, for "never contains a secret" checks. */
  traceText(): string {
    return this.raw.join("\n") + this.stderr.join("");
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    this.proc.kill(signal);
    return this.exited;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill("SIGTERM");
      const t = setTimeout(() => this.proc.kill("SIGKILL"), 3000);
      await this.exited;
      clearTimeout(t);
    }
    if (this.ownData) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Waits for the linking screen and reads the user code and URI from it. */
export async function shownCode(d: Device, timeoutMs = 20000): Promise<{ userCode: string; uri: string }> {
  const l = await d.waitDisplay(/Enter code: /, timeoutMs);
  return codeFrom(l.text);
}

/** Like shownCode, but only a linking screen shown after this call. */
export async function nextShownCode(d: Device, timeoutMs = 20000): Promise<{ userCode: string; uri: string }> {
  const l = await d.next((x) => x.ev === "display" && /Enter code: /.test(x.text), timeoutMs, "a new linking screen");
  return codeFrom(l.text);
}

/** The user code and URIs the device is showing now. */
export function linkingInfo(d: Device): { userCode: string; uri: string } {
  return codeFrom(d.lastDisplay());
}

function codeFrom(text: string): { userCode: string; uri: string } {
  const uri = /Open: (\S+)/.exec(text)?.[1];
  const code = /Enter code: (\S+)/.exec(text)?.[1];
  if (!uri || !code) throw new Error(`the device does not show a code and URL:\n${text}`);
  return { userCode: code, uri };
}

/**
 * The firmware in this process, on a simulated device built by
 * host/device.ts: for tests that need the board itself (its `refuse` hook,
 * the runtime's counters) rather than a child process.
 */
export class LocalDevice {
  readonly lines: TraceLine[] = [];
  readonly sim: SimDevice;
  private waiters: { pred: (l: TraceLine) => boolean; resolve: (l: TraceLine) => void }[] = [];

  constructor(opts: { config: object | string; board?: string; actionTable?: string | null; dataDir?: string }) {
    const actions = opts.actionTable === undefined ? readFileSync(join(ROOT, "config", "actions.json"), "utf8") : opts.actionTable;
    this.sim = createSimDevice({
      wasm: join(ROOT, "build", "firmware.wasm"),
      profile: opts.board ?? "tv",
      deviceConfig: typeof opts.config === "string" ? opts.config : JSON.stringify(opts.config),
      actionTable: actions,
      dataDir: opts.dataDir,
      trace: (e) => {
        const l = { ...(e as object), at: performance.now() } as TraceLine;
        this.lines.push(l);
        this.waiters = this.waiters.filter((w) => {
          if (!w.pred(l)) return true;
          w.resolve(l);
          return false;
        });
      },
    });
    this.sim.runtime.start();
  }

  get board() {
    return this.sim.runtime.board;
  }

  waitFor(pred: (l: TraceLine) => boolean, timeoutMs = 20000, what = "a trace line"): Promise<TraceLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const tail = this.lines.slice(-15).map((l) => JSON.stringify(l)).join("\n");
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last trace lines:\n${tail}`));
      }, timeoutMs);
      const done = (l: TraceLine) => {
        clearTimeout(timer);
        resolve(l);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  waitState(state: string, timeoutMs = 20000): Promise<TraceLine> {
    return this.waitFor((l) => l.ev === "state" && l.state === state, timeoutMs, `state ${state}`);
  }

  waitDisplay(re: RegExp, timeoutMs = 20000): Promise<TraceLine> {
    return this.waitFor((l) => l.ev === "display" && re.test(l.text), timeoutMs, `display matching ${re}`);
  }

  press(button: "link" | "unlink" | "action"): void {
    this.sim.runtime.pressButton(button === "link" ? 1 : button === "unlink" ? 2 : 3);
  }

  say(text: string): void {
    this.sim.runtime.utter(text);
  }

  /** The linking screen's user code and URI. */
  async shownCode(timeoutMs = 20000): Promise<{ userCode: string; uri: string }> {
    const l = await this.waitDisplay(/Enter code: /, timeoutMs);
    return codeFrom(l.text);
  }

  stop(): void {
    this.sim.close();
  }
}

// A simulated device for hardware-in-loop tests: the real firmware module in
// the real host, started as its own process in headless mode, read through
// its JSON-lines trace and driven through stdin, as a rig drives a board
// (Device); or in this process on the same simulated device (LocalDevice).
import { spawn, ChildProcess } from "node:child_process";
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createSimDevice, SimDevice } from "../../host/device.ts";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

import { Trace, type TraceLine } from "./trace.ts";
export type { TraceLine };

export interface DeviceOptions {
  config: object | string;
  board?: string;
  /** Reuse a data dir (flash and sealing key) across restarts. */
  dataDir?: string;
  extraArgs?: string[];
  env?: Record<string, string>;
}

export class Device extends Trace {
  readonly dataDir: string;
  private proc: ChildProcess;
  private ownData: boolean;
  private configPath: string;

  constructor(opts: DeviceOptions) {
    super();
    this.ownData = !opts.dataDir;
    this.dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), "linkfw-dev-"));
    this.configPath = join(this.dataDir, "device-config.json");
    writeFileSync(this.configPath, typeof opts.config === "string" ? opts.config : JSON.stringify(opts.config));
    const args = ["--import", "tsx", join(ROOT, "host", "sim.ts"), "--headless", "--config", this.configPath,
      "--board", opts.board ?? "tv", "--data", this.dataDir, ...(opts.extraArgs ?? [])];
    this.proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
    this.follow(this.proc);
  }

  get pid(): number {
    return this.proc.pid!;
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

  kill(signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
    this.proc.kill(signal);
    return this.exited;
  }

  async stop(): Promise<void> {
    await this.endProcess();
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
export class LocalDevice extends Trace {
  readonly sim: SimDevice;

  constructor(opts: { config: object | string; board?: string; actionTable?: string | null; dataDir?: string }) {
    super();
    const actions = opts.actionTable === undefined ? readFileSync(join(ROOT, "config", "actions.json"), "utf8") : opts.actionTable;
    this.sim = createSimDevice({
      wasm: join(ROOT, "build", "firmware.wasm"),
      profile: opts.board ?? "tv",
      deviceConfig: typeof opts.config === "string" ? opts.config : JSON.stringify(opts.config),
      actionTable: actions,
      dataDir: opts.dataDir,
      trace: (e) => this.add(e),
    });
    this.sim.runtime.start();
  }

  get board() {
    return this.sim.runtime.board;
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

// The same firmware module on three engines, each a process that speaks the
// board ABI and prints the same JSON-lines trace: the Node host (V8), the
// wasmtime board (Cranelift, test/wasmtime_board.py) and the reference C
// board (wasm2c output linked with ports/posix). A test gets an EngineDevice
// and drives it the same way whichever engine runs underneath.
import { spawn, spawnSync, ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./device.ts";
import { Trace, type TraceLine } from "./trace.ts";
export type { TraceLine };

export type EngineName = "node" | "wasmtime" | "c";
export const ENGINES: EngineName[] = ["node", "wasmtime", "c"];

export const C_BOARD = join(ROOT, "ports", "posix", "build", "linkfw-posix");
const PYTHON = join(ROOT, ".venv", "bin", "python");
const WASM = join(ROOT, "build", "firmware.wasm");

/**
 * Builds the C board from the current build/firmware.wasm (make is
 * incremental), or around another module into `out`. Test files run side by
 * side, so the shared build directory is taken under a lock (an empty
 * directory: mkdir is atomic).
 */
export function buildCBoard(wasm?: string, out?: string): string {
  const vars = wasm && out ? [`WASM=${wasm}`, `OUT=${out}`] : [];
  const lock = out ? null : join(ROOT, "ports", "posix", ".build-lock");
  if (lock) {
    const deadline = Date.now() + 300000;
    for (;;) {
      try {
        mkdirSync(lock);
        break;
      } catch {
        if (Date.now() > deadline) throw new Error(`${lock} held for 5 minutes; remove it if no build is running`);
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
      }
    }
  }
  try {
    const r = spawnSync("make", ["-s", "-C", join(ROOT, "ports", "posix"), ...vars], { encoding: "utf8", timeout: 300000 });
    if (r.status !== 0) throw new Error(`building the C board failed:\n${r.stdout}\n${r.stderr}`);
  } finally {
    if (lock) rmSync(lock, { recursive: true, force: true });
  }
  return out ? join(out, "linkfw-posix") : C_BOARD;
}

export interface EngineOptions {
  engine: EngineName;
  /** The device configuration (kind 0): JSON, or raw text as given. */
  config: object | string;
  /** Another module instead of build/firmware.wasm (Node and wasmtime). */
  wasm?: string;
  /** Another C board binary (a board built around `wasm` with `make WASM=.. OUT=..`). */
  cBinary?: string;
  /** Board profile name in boards/ (default "tv"). */
  board?: string;
  /** Flash (and sealing key) directory, reused across restarts. */
  dataDir: string;
  /** Overrides of the profile's flash size and body cap (the limits tests). */
  flashBytes?: number;
  netBodyCap?: number;
  /** Requests in flight the board allows (wasmtime and C boards; the Node host allows 4). */
  inFlight?: number;
}

/** Largest power of two up to 4096 that divides a slot: two slots in separate sectors. */
export function sectorFor(flashBytes: number): number {
  let s = 4096;
  while (s > 1 && (flashBytes / 2) % s !== 0) s /= 2;
  return s;
}

function commandFor(o: EngineOptions): { cmd: string; args: string[] } {
  const profile = JSON.parse(readFileSync(join(ROOT, "boards", `${o.board ?? "tv"}.json`), "utf8"));
  if (o.flashBytes) profile.flashBytes = o.flashBytes;
  if (o.netBodyCap) profile.netBodyCap = o.netBodyCap;
  const profilePath = join(o.dataDir, "profile.json");
  writeFileSync(profilePath, JSON.stringify(profile));
  const configPath = join(o.dataDir, "device-config.json");
  writeFileSync(configPath, typeof o.config === "string" ? o.config : JSON.stringify(o.config));
  const wasm = o.wasm ?? WASM;
  const actions = join(ROOT, "config", "actions.json");
  const sector = String(sectorFor(profile.flashBytes));
  switch (o.engine) {
    case "node":
      return {
        cmd: process.execPath,
        args: ["--import", "tsx", join(ROOT, "host", "sim.ts"), "--headless", "--config", configPath,
          "--actions", actions, "--board", profilePath, "--data", o.dataDir, "--wasm", wasm],
      };
    case "wasmtime":
      return {
        cmd: PYTHON,
        args: [join(ROOT, "test", "wasmtime_board.py"), "--wasm", wasm, "--config", configPath, "--actions", actions,
          "--profile", profilePath, "--data", o.dataDir, "--sector-bytes", sector, "--in-flight", String(o.inFlight ?? 4)],
      };
    case "c": {
      const d = profile.display;
      return {
        cmd: o.cBinary ?? C_BOARD,
        args: ["--config", configPath, "--actions", actions, "--data", o.dataDir, "--name", profile.name,
          "--display", d ? `${d.width}x${d.height}x${d.format === "rgb565" ? 2 : 1}` : "0x0x0",
          "--text", profile.text ? `${profile.text.cols}x${profile.text.rows}` : "0x0",
          "--leds", String(profile.leds), "--speaker", profile.speaker ? "1" : "0",
          "--device-type", profile.deviceType === "tv" ? "2" : "1",
          "--flash-bytes", String(profile.flashBytes), "--sector-bytes", sector,
          "--body-cap", String(profile.netBodyCap), "--in-flight", String(o.inFlight ?? 4)],
      };
    }
  }
}

/** One engine process: its trace read line by line, its stdin the buttons and the microphone. */
export class EngineDevice extends Trace {
  private proc: ChildProcess;

  constructor(readonly opts: EngineOptions) {
    super(opts.engine);
    const bin = opts.cBinary ?? C_BOARD;
    if (opts.engine === "c" && !existsSync(bin)) throw new Error(`${bin} missing: call buildCBoard() first`);
    const { cmd, args } = commandFor(opts);
    this.proc = spawn(cmd, args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    this.follow(this.proc);
    this.proc.stdin!.on("error", () => { /* the process is gone; exited says so */ });
  }

  get engine(): EngineName {
    return this.opts.engine;
  }

  press(button: "link" | "unlink" | "action"): void {
    this.proc.stdin!.write(JSON.stringify({ button }) + "\n");
  }

  say(text: string): void {
    this.proc.stdin!.write(JSON.stringify({ say: text }) + "\n");
  }

  /** Says `utterance` and resolves with the next spoken answer matching `re`. */
  async ask(utterance: string, re?: RegExp, timeoutMs = 15000): Promise<string> {
    const p = this.next((l) => l.ev === "say" && (!re || re.test(l.text)), timeoutMs, `speech ${re ?? ""}`);
    this.say(utterance);
    return (await p).text;
  }

  /** A power cut: the process dies at once, flash keeps what was written. */
  kill(): Promise<number | null> {
    this.proc.kill("SIGKILL");
    return this.exited;
  }

  async stop(): Promise<void> {
    await this.endProcess();
  }
}

/** Waits for the linking screen and reads the user code and URI from it. */
export async function shownCodeOn(d: EngineDevice, timeoutMs = 20000): Promise<{ userCode: string; uri: string }> {
  const l = await d.waitDisplay(/Enter code: /, timeoutMs);
  const uri = /Open: (\S+)/.exec(l.text)?.[1];
  const userCode = /Enter code: (\S+)/.exec(l.text)?.[1];
  if (!uri || !userCode) throw new Error(`[${d.engine}] the device does not show a code and URL:\n${l.text}`);
  return { uri, userCode };
}

export function tempDataDir(engine: EngineName): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `linkfw-${engine}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

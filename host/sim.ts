// The desktop simulator: the firmware module on a simulated board, against
// the embedded authorization server and action backend (or any server named
// by --config). `npm start -- --help` lists the options (OPTIONS below) and
// the headless events (HEADLESS_EVENTS); README.md shows the same tables and
// a test keeps them in step.
//
// Headless input is JSON lines on stdin: {"button":"link"|"unlink"|"action"},
// {"say":"what is my name"}, {"quit":true}.
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { spawn, ChildProcess } from "node:child_process";
import { TraceEvent } from "./runtime.ts";
import { createSimDevice } from "./device.ts";
import { loadProfile, BoardProfile, BOARDS_DIR } from "./profile.ts";
import { LinkInfo, TerminalView } from "./terminal.ts";
import { parseArgs, SimArgs, USAGE } from "./sim-args.ts";
import { safeText } from "./textsafe.ts";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** stderr, without terminal control sequences (paths and option values come from the user). */
function errOut(text: string): void {
  process.stderr.write(safeText(text));
}
import { Framebuffer } from "./framebuffer.ts";

/** The board profiles in boards/. */
export function boardNames(): string[] {
  // abi.json beside the profiles is the ABI's machine-readable description, not a board.
  return readdirSync(BOARDS_DIR).filter((f) => f.endsWith(".json") && f !== "abi.json").map((f) => f.slice(0, -5)).sort();
}

/**
 * One simulator per data directory: two would write the same flash.bin and
 * the same server store. The lock file holds the owner's pid; a lock whose
 * process is gone is taken over. Returns a release function.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, "wx");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`another simulator (pid ${pid}) is using ${dir}; stop it, or give this one its own directory with --data DIR`);
      }
      rmSync(file, { force: true }); // left by a simulator that is gone
      continue;
    }
    writeSync(fd, `${process.pid}\n`);
    closeSync(fd);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      try {
        if (readFileSync(file, "utf8").trim() === String(process.pid)) unlinkSync(file);
      } catch { /* already gone */ }
    };
  }
  throw new Error(`cannot lock ${dir}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Where /snap writes: a new file in the system's temporary directory, never in the repository. */
function snapFile(board: string): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "");
  return join(tmpdir(), `linkfw-${board.replace(/[^\w.-]/g, "_")}-${stamp}.png`);
}

/**
 * Opens `url` in this computer's browser (xdg-open, open, start). Reports
 * through `notice` when there is no way to.
 */
function openInBrowser(url: string, notice: (line: string) => void): void {
  if (!/^https?:\/\//.test(url)) return;
  const [cmd, args] = process.platform === "darwin" ? ["open", [url]]
    : process.platform === "win32" ? ["cmd", ["/c", "start", "", url]]
    : ["xdg-open", [url]];
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    notice(`no graphical session here to open a browser in; open ${url} yourself`);
    return;
  }
  const child = spawn(cmd as string, args as string[], { stdio: "ignore", detached: true });
  child.on("error", () => notice(`cannot start ${cmd} to open a browser; open ${url} yourself`));
  child.unref();
}

const BUTTONS: Record<string, number> = { link: 1, unlink: 2, action: 3 };

/** Writes the frame as a PNG in one step (a reader never sees half a file). */
function writePng(fb: Framebuffer, file: string, scale = 1): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, fb.toPng(scale));
  renameSync(tmp, file);
}

/**
 * Says each line aloud with espeak-ng, one after another, without holding
 * up the event loop. When espeak-ng is missing it says so once and stays
 * quiet after that.
 */
class Speaker {
  private queue: string[] = [];
  private current: ChildProcess | null = null;
  private missing = false;

  constructor(private notice: (line: string) => void, private program = "espeak-ng") {}

  say(text: string): void {
    if (this.missing) return;
    this.queue.push(text);
    if (this.queue.length > 8) this.queue.shift(); // never fall minutes behind the board
    this.next();
  }

  stop(): void {
    this.queue = [];
    this.current?.kill();
    this.current = null;
  }

  private next(): void {
    if (this.current || this.missing) return;
    const text = this.queue.shift();
    if (text === undefined) return;
    // The text goes in on stdin, so nothing in it is read as an option.
    const child = spawn(this.program, [], { stdio: ["pipe", "ignore", "ignore"] });
    this.current = child;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      if (this.current === child) this.current = null;
      this.next();
    };
    child.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ENOENT") {
        this.missing = true;
        this.queue = [];
        this.notice(`--speak: ${this.program} is not installed (Debian: apt-get install espeak-ng); speech stays text only`);
      } else {
        this.notice(`--speak: ${this.program} failed: ${e.message}`);
      }
      finish();
    });
    child.on("close", finish);
    child.stdin!.on("error", () => { /* the program went away; "error"/"close" say why */ });
    child.stdin!.end(text + "\n");
  }
}

/**
 * The embedded authorization server and action backend, kept in `args.data`
 * so a restarted simulator finds its grants again. Returns the device config
 * and the closers.
 */
async function startEmbeddedServers(
  args: SimArgs,
  notice: (line: string) => void,
  onCode: (info: LinkInfo) => void,
): Promise<{ deviceConfig: string; closers: (() => Promise<void>)[] }> {
  const { startAuthServer } = await import("./authserver.ts");
  const server = await startAuthServer({
    port: args.port, deviceCodeTtl: args.deviceCodeTtl, accessTokenTtl: args.accessTokenTtl,
    dataDir: args.data, lan: args.lan,
    log: (line) => { if (args.verbose || /usable again/.test(line)) notice(line); },
    onDeviceAuthorization: (a) => onCode({ uri: a.verification_uri, code: a.user_code, complete: a.verification_uri_complete ?? "" }),
  });
  const closers: (() => Promise<void>)[] = [() => server.close()];
  try {
    const { startBackend, INVALIDATE_PATH } = await import("./backend.ts");
    const cfg = server.deviceConfig();
    const backend = await startBackend({
      introspect: (t) => server.introspect(t),
      // The backend's invalidate call ends the grant at the authorization server (RFC 7009).
      revoke: async (t) => {
        const r = await fetch(cfg.revocation_endpoint, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ token: t, client_id: cfg.client_id }),
        });
        if (!r.ok) throw new Error(`revocation answered ${r.status}`);
      },
    });
    closers.unshift(() => backend.close());
    notice(`Embedded authorization server (oidc-provider) at ${server.issuer}, state kept in ${args.data}`);
    if (args.lan) notice(`Sign-in pages for a phone on this network: ${server.publicUrl} (plain http: the phone's browser may call it "not secure")`);
    notice(`Embedded action backend (demo play) at ${backend.url}`);
    notice(`Its development login accepts any user name and password: it is for the simulator and tests only.`);
    return {
      deviceConfig: JSON.stringify({ ...cfg, backend: backend.url, invalidate_endpoint: backend.url + INVALIDATE_PATH }),
      closers,
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}

async function main(): Promise<number> {
  let args: SimArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    errOut(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  let profile: BoardProfile;
  try {
    profile = loadProfile(args.board);
  } catch (e) {
    errOut(`${(e as Error).message}\nboards: ${boardNames().join(", ")} (or a path to a .json profile)\n`);
    return 2;
  }
  if (!existsSync(args.wasm)) {
    errOut(`firmware module ${args.wasm} not found; build it with: npm run build\n`);
    return 2;
  }

  const out = (e: TraceEvent) => process.stdout.write(JSON.stringify(e) + "\n");
  let view: TerminalView | null = null;
  const early: string[] = [];
  const notice = (line: string) => {
    if (args.headless) out({ ev: "sim", text: line });
    else if (view) view.note(line);
    else early.push(line);
  };

  mkdirSync(args.data, { recursive: true });
  let unlock: () => void;
  try {
    unlock = lockDataDir(args.data);
  } catch (e) {
    errOut(`${(e as Error).message}\n`);
    return 2;
  }
  process.on("exit", () => unlock());

  const opened = new Set<string>();
  const openOnce = (info: LinkInfo) => {
    const url = info.complete || info.uri;
    if (!args.open || opened.has(url)) return;
    opened.add(url);
    openInBrowser(url, notice);
  };

  const closers: (() => Promise<void> | void)[] = [];
  let deviceConfig: string;
  if (args.config) {
    try {
      deviceConfig = readFileSync(args.config, "utf8");
    } catch (e) {
      errOut(`cannot read --config ${args.config}: ${(e as Error).message}\n`);
      return 2;
    }
  } else {
    try {
      const started = await startEmbeddedServers(args, notice, (info) => {
        view?.setServerLink(info);
        openOnce(info);
      });
      deviceConfig = started.deviceConfig;
      closers.push(...started.closers);
    } catch (e) {
      errOut(`cannot start the embedded servers: ${(e as Error).message}\n`);
      if (process.env.LINKFW_DEBUG) errOut(`${(e as Error).stack}\n`);
      return 2;
    }
  }
  const actionsPath = args.actions ?? join(ROOT, "config", "actions.json");
  let actionTable: string | null = null;
  if (existsSync(actionsPath)) actionTable = readFileSync(actionsPath, "utf8");
  else if (args.actions) {
    errOut(`cannot read --actions ${args.actions}: no such file\n`);
    for (const c of closers.reverse()) await c();
    return 2;
  }


  view = args.headless ? null : new TerminalView(profile, {
    verbose: args.verbose,
    canOpen: true,
    onLinkInfo: openOnce,
  });
  for (const line of early) view?.note(line);
  const speaker = args.speak ? new Speaker(notice) : null;
  if (args.speak && !profile.speaker) notice(`--speak: board ${profile.name} has no speaker; nothing will be said`);
  const sim = createSimDevice({
    wasm: args.wasm, profile, deviceConfig, actionTable, dataDir: args.data, fresh: args.fresh,
    trace: (e) => {
      if (args.headless) out(e);
      else view!.onEvent(e);
      if (speaker && e.ev === "say") speaker.say(String(e.text));
    },
    wallClock: args.wallClockUnknown ? () => 0 : undefined,
  });
  const rt = sim.runtime;
  closers.push(() => sim.flash.close());
  if (view) view.attach(rt);

  // The pixel display: blits land in the framebuffer; the frame is
  // presented once the firmware is back in the event loop.
  const fb = profile.display ? new Framebuffer(profile.display.width, profile.display.height, profile.display.format) : null;
  if (args.snapshot && !fb) notice(`--snapshot: board ${profile.name} has no pixel display; no frames will be written`);
  if (fb) {
    let presented = fb.version;
    let pending = false;
    const present = () => {
      pending = false;
      if (fb.version === presented) return;
      presented = fb.version;
      view?.onFrame(fb);
      if (!args.snapshot) return;
      try {
        writePng(fb, args.snapshot);
      } catch (e) {
        notice(`--snapshot: cannot write ${args.snapshot}: ${(e as Error).message}`);
        return;
      }
      if (args.headless) out({ t: rt.now(), ev: "frame", file: args.snapshot, w: fb.width, h: fb.height });
    };
    rt.onBlit = (x, y, w, h, px, bpp) => {
      fb.blit(x, y, w, h, px, bpp);
      if (!pending) {
        pending = true;
        setImmediate(present);
      }
    };
  }

  let quitting = false;
  const quit = async (code: number) => {
    if (quitting) return;
    quitting = true;
    rt.stop();
    speaker?.stop();
    view?.close();
    for (const c of closers.reverse()) await c();
    unlock();
    process.exit(code);
  };
  process.on("SIGINT", () => void quit(0));
  process.on("SIGTERM", () => void quit(0));

  rt.start();

  if (args.headless) {
    const rl = createInterface({ input: process.stdin });
    rl.on("line", (line) => {
      if (!line.trim()) return;
      let msg: any;
      try {
        msg = JSON.parse(line);
      } catch {
        out({ ev: "sim", error: "input is not JSON" });
        return;
      }
      if (msg === null || typeof msg !== "object") out({ ev: "sim", error: "unknown input; expected {button}, {say} or {quit}" });
      else if (msg.quit) void quit(0);
      else if (typeof msg.button === "string" && BUTTONS[msg.button]) rt.pressButton(BUTTONS[msg.button]);
      else if (typeof msg.say === "string") rt.utter(msg.say.slice(0, 1000));
      else out({ ev: "sim", error: "unknown input; expected {button}, {say} or {quit}" });
    });
    rl.on("close", () => { /* stdin closed: keep running until a signal */ });
  } else {
    view!.prompt((cmd) => {
      if (cmd === "/quit" || cmd === "/q") void quit(0);
      else if (cmd === "/snap") {
        if (!fb) view!.note(`board ${profile.name} has no pixel display: nothing to snap`);
        else {
          // Pixels as squares, at least 480 wide, so the picture is easy to look at.
          const scale = Math.max(1, Math.ceil(480 / fb.width));
          const file = snapFile(profile.name);
          try {
            writePng(fb, file, scale);
            view!.note(`wrote ${file} (${fb.width * scale}x${fb.height * scale})`);
          } catch (e) {
            view!.note(`cannot write ${file}: ${(e as Error).message}`);
          }
        }
      } else if (cmd === "/open") {
        const link = view!.currentLink();
        if (!link) view!.note("no code is shown right now; /link asks for one");
        else openInBrowser(link.complete || link.uri, (l) => view!.note(l));
      } else if (cmd.startsWith("/")) {
        const b = BUTTONS[cmd.slice(1)];
        if (b) rt.pressButton(b);
        else view!.note(`unknown command ${cmd.slice(0, 40)}; try /link /unlink /action${fb ? " /snap" : ""} /open /quit`);
      } else if (cmd.trim()) rt.utter(cmd.trim().slice(0, 1000));
    });
  }
  return -1;
}

// A mistake gets one line, not a stack trace; LINKFW_DEBUG=1 shows the stack.
function fatal(err: unknown): never {
  const e = err as Error;
  errOut(`simulator failed: ${e?.message ?? e}\n`);
  if (process.env.LINKFW_DEBUG && e?.stack) errOut(`${e.stack}\n`);
  process.exit(1);
}
process.on("uncaughtException", fatal);
process.on("unhandledRejection", fatal);

main().then((code) => {
  if (code >= 0) process.exit(code);
}, fatal);

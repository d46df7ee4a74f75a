// The desktop simulator: the firmware module on a simulated board, against
// the embedded authorization server (or any server named by --config).
//
//   npm start                          interactive, TV board, embedded servers
//   npm start -- --board speaker       another board profile
//   npm start -- --config my.json      another authorization server
//   npm start -- --headless            one JSON object per line on stdout
//   npm start -- --snapshot frame.png  the pixel display as a PNG after every change
//   npm start -- --speak               say aloud what the board says (espeak-ng)
//
// Headless input is JSON lines on stdin: {"button":"link"|"unlink"|"action"},
// {"say":"what is my name"}, {"quit":true}.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { spawn, ChildProcess } from "node:child_process";
import { TraceEvent } from "./runtime.ts";
import { createSimDevice } from "./device.ts";
import { loadProfile, BoardProfile } from "./profile.ts";
import { TerminalView } from "./terminal.ts";
import { Framebuffer } from "./framebuffer.ts";

export interface SimArgs {
  board: string;
  config: string | null;
  actions: string | null;
  headless: boolean;
  data: string;
  fresh: boolean;
  wasm: string;
  deviceCodeTtl?: number;
  accessTokenTtl?: number;
  port?: number;
  wallClockUnknown: boolean;
  /** Write the pixel display to this PNG after every frame change. */
  snapshot: string | null;
  /** Speak `say` lines aloud with espeak-ng. */
  speak: boolean;
  help: boolean;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

const USAGE = `usage: npm start -- [options]
  --board NAME       board profile from boards/ (tv, oled, speaker) or a .json path [tv]
  --config FILE      device config JSON for another authorization server (no embedded server)
  --actions FILE     action table JSON [config/actions.json]
  --headless         print one JSON object per line (state, display, led, say, net, log)
  --data DIR         where the simulated flash and the sealing key live [sim-data/BOARD]
  --fresh            wipe the simulated flash first
  --wasm FILE        firmware module [build/firmware.wasm]
  --port N           port of the embedded authorization server [free port]
  --code-ttl S       device code lifetime of the embedded server, seconds [600]
  --token-ttl S      access token lifetime of the embedded server, seconds [3600]
  --no-wall-clock    act as a board that has not synced its clock (wall time 0)
  --snapshot FILE    write the pixel display as a PNG after every frame change
                     (headless: a {"ev":"frame"} line follows each write)
  --speak            speak what the board says aloud with espeak-ng, when installed
`;

export function parseArgs(argv: string[]): SimArgs {
  const a: SimArgs = {
    board: "tv", config: null, actions: null, headless: false, data: "", fresh: false,
    wasm: join(ROOT, "build", "firmware.wasm"), wallClockUnknown: false, snapshot: null, speak: false, help: false,
  };
  const need = (i: number, flag: string) => {
    if (i >= argv.length || argv[i].startsWith("--")) throw new Error(`${flag} needs a value`);
    return argv[i];
  };
  const num = (v: string, flag: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    switch (f) {
      case "--board": a.board = need(++i, f); break;
      case "--config": a.config = need(++i, f); break;
      case "--actions": a.actions = need(++i, f); break;
      case "--headless": a.headless = true; break;
      case "--data": a.data = need(++i, f); break;
      case "--fresh": a.fresh = true; break;
      case "--wasm": a.wasm = need(++i, f); break;
      case "--port": a.port = num(need(++i, f), f); break;
      case "--code-ttl": a.deviceCodeTtl = num(need(++i, f), f); break;
      case "--token-ttl": a.accessTokenTtl = num(need(++i, f), f); break;
      case "--no-wall-clock": a.wallClockUnknown = true; break;
      case "--snapshot": a.snapshot = need(++i, f); break;
      case "--speak": a.speak = true; break;
      case "-h": case "--help": a.help = true; break;
      default: throw new Error(`unknown option ${f}`);
    }
  }
  if (!a.data) a.data = join(ROOT, "sim-data", a.board.replace(/[^\w.-]/g, "_"));
  return a;
}

const BUTTONS: Record<string, number> = { link: 1, unlink: 2, action: 3 };

/** Where the interactive /snap command writes. */
const SNAP_FILE = "snapshot.png";

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

async function main(): Promise<number> {
  let args: SimArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
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
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (!existsSync(args.wasm)) {
    process.stderr.write(`firmware module ${args.wasm} not found; build it with: npm run build\n`);
    return 2;
  }

  const out = (e: TraceEvent) => process.stdout.write(JSON.stringify(e) + "\n");
  const notice = (line: string) => {
    if (args.headless) out({ ev: "sim", text: line });
    else process.stdout.write(line + "\n");
  };

  const closers: (() => Promise<void> | void)[] = [];
  let deviceConfig: string;
  if (args.config) {
    try {
      deviceConfig = readFileSync(args.config, "utf8");
    } catch (e) {
      process.stderr.write(`cannot read --config ${args.config}: ${(e as Error).message}\n`);
      return 2;
    }
  } else {
    const { startAuthServer } = await import("./authserver.ts");
    const server = await startAuthServer({
      port: args.port, deviceCodeTtl: args.deviceCodeTtl, accessTokenTtl: args.accessTokenTtl,
    });
    closers.push(() => server.close());
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
    closers.push(() => backend.close());
    deviceConfig = JSON.stringify({ ...cfg, backend: backend.url, invalidate_endpoint: backend.url + INVALIDATE_PATH });
    notice(`Embedded authorization server (oidc-provider) at ${server.issuer}`);
    notice(`Embedded action backend (demo play) at ${backend.url}`);
    notice(`Its development login accepts any user name and password: it is for the simulator and tests only.`);
  }
  const actionsPath = args.actions ?? join(ROOT, "config", "actions.json");
  const actionTable = existsSync(actionsPath) ? readFileSync(actionsPath, "utf8") : null;


  const view = args.headless ? null : new TerminalView(profile);
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
      if (msg.quit) void quit(0);
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
          try {
            writePng(fb, SNAP_FILE, scale);
            view!.note(`wrote ${resolve(SNAP_FILE)} (${fb.width * scale}x${fb.height * scale})`);
          } catch (e) {
            view!.note(`cannot write ${SNAP_FILE}: ${(e as Error).message}`);
          }
        }
      } else if (cmd.startsWith("/")) {
        const b = BUTTONS[cmd.slice(1)];
        if (b) rt.pressButton(b);
        else view!.note(`unknown command ${cmd}; try /link /unlink /action${fb ? " /snap" : ""} /quit`);
      } else if (cmd.trim()) rt.utter(cmd.trim());
    });
  }
  return -1;
}

main().then((code) => {
  if (code >= 0) process.exit(code);
}, (err) => {
  process.stderr.write(`simulator failed: ${err?.stack ?? err}\n`);
  process.exit(1);
});

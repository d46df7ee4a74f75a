// The desktop simulator: the firmware module on a simulated board, against
// the embedded authorization server (or any server named by --config).
//
//   npm start                          interactive, TV board, embedded servers
//   npm start -- --board speaker       another board profile
//   npm start -- --config my.json      another authorization server
//   npm start -- --headless            one JSON object per line on stdout
//
// Headless input is JSON lines on stdin: {"button":"link"|"unlink"|"action"},
// {"say":"what is my name"}, {"quit":true}.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { Runtime, TraceEvent } from "./runtime.ts";
import { loadProfile, BoardProfile } from "./profile.ts";
import { Flash } from "./flash.ts";
import { Sealer } from "./seal.ts";
import { TerminalView } from "./terminal.ts";

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
`;

export function parseArgs(argv: string[]): SimArgs {
  const a: SimArgs = {
    board: "tv", config: null, actions: null, headless: false, data: "", fresh: false,
    wasm: join(ROOT, "build", "firmware.wasm"), wallClockUnknown: false, help: false,
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
      case "-h": case "--help": a.help = true; break;
      default: throw new Error(`unknown option ${f}`);
    }
  }
  if (!a.data) a.data = join(ROOT, "sim-data", a.board.replace(/[^\w.-]/g, "_"));
  return a;
}

const BUTTONS: Record<string, number> = { link: 1, unlink: 2, action: 3 };

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
    deviceConfig = JSON.stringify(server.deviceConfig());
    notice(`Embedded authorization server (oidc-provider) at ${server.issuer}`);
    notice(`Its development login accepts any user name and password: it is for the simulator and tests only.`);
  }
  const actionsPath = args.actions ?? join(ROOT, "config", "actions.json");
  const actionTable = existsSync(actionsPath) ? readFileSync(actionsPath, "utf8") : null;

  if (args.fresh) rmSync(join(args.data, "flash.bin"), { force: true });
  mkdirSync(args.data, { recursive: true });
  const flash = new Flash(profile.flashBytes, join(args.data, "flash.bin"));
  const sealer = Sealer.fromKeyFile(join(args.data, "seal.key"));
  closers.push(() => flash.close());

  const view = args.headless ? null : new TerminalView(profile);
  const rt = new Runtime({
    wasm: args.wasm, profile, deviceConfig, actionTable, flash, sealer,
    trace: args.headless ? out : (e) => view!.onEvent(e),
    wallClock: args.wallClockUnknown ? () => 0 : undefined,
  });
  if (view) view.attach(rt);

  let quitting = false;
  const quit = async (code: number) => {
    if (quitting) return;
    quitting = true;
    rt.stop();
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
      else if (cmd.startsWith("/")) {
        const b = BUTTONS[cmd.slice(1)];
        if (b) rt.pressButton(b);
        else view!.note(`unknown command ${cmd}; try /link /unlink /action /quit`);
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

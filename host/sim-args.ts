// The simulator's command line: every option and every headless event,
// described once. `--help` prints them, README.md shows the same tables, and
// test/hil/readme.test.ts keeps the two in step. No side effects on import.
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

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
  /** Serve the sign-in pages on the LAN address too, for a phone. */
  lan: boolean;
  /** Open the linking URL in this computer's browser when a code is shown. */
  open: boolean;
  /** Every request and log line in the interactive view. */
  verbose: boolean;
  help: boolean;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/** Every option: flag, its value's name (none for a switch), what it does. README.md has the same table. */
export const OPTIONS: { flag: string; value?: string; help: string }[] = [
  { flag: "--board", value: "NAME", help: "board profile from boards/ (tv, oled, speaker) or a .json path [tv]" },
  { flag: "--config", value: "FILE", help: "device config JSON for another authorization server (no embedded servers)" },
  { flag: "--actions", value: "FILE", help: "action table JSON [config/actions.json]" },
  { flag: "--headless", help: "one JSON object per line on stdout (events below); input as JSON lines on stdin" },
  { flag: "--data", value: "DIR", help: "simulated flash, sealing key and the embedded server's state [sim-data/BOARD]" },
  { flag: "--fresh", help: "wipe the simulated flash first (the device forgets its link)" },
  { flag: "--wasm", value: "FILE", help: "firmware module [build/firmware.wasm]" },
  { flag: "--port", value: "N", help: "port of the embedded authorization server [chosen once, kept in DIR/authserver.json]" },
  { flag: "--lan", help: "also serve the sign-in pages on this machine's network address, for a phone" },
  { flag: "--open", help: "open the linking URL in this computer's browser when a code is shown" },
  { flag: "--code-ttl", value: "S", help: "device code lifetime of the embedded server, seconds [600]" },
  { flag: "--token-ttl", value: "S", help: "access token lifetime of the embedded server, seconds [3600]" },
  { flag: "--no-wall-clock", help: "act as a board that has not synced its clock (wall time 0)" },
  { flag: "--snapshot", value: "FILE", help: "write the pixel display as a PNG after every frame change" },
  { flag: "--speak", help: "speak what the board says aloud with espeak-ng, when installed" },
  { flag: "--verbose", help: "show every network request and log line in the interactive view" },
  { flag: "--help", help: "print the options and the headless events, then exit" },
];

/** Every headless event ("ev") on stdout. README.md has the same list. */
export const HEADLESS_EVENTS: { ev: string; help: string }[] = [
  { ev: "sim", help: "a notice from the simulator ({text}) or an input error ({error})" },
  { ev: "boot", help: "the firmware (re)started ({board, boots})" },
  { ev: "state", help: "the device state changed ({state}: unlinked, requesting_code, awaiting_approval, linked, ...)" },
  { ev: "display", help: "the text display's content ({text}, lines separated by \\n)" },
  { ev: "frame", help: "a --snapshot PNG was written ({file, w, h})" },
  { ev: "led", help: "the LED look ({pattern, rgb, periodMs})" },
  { ev: "say", help: "what the speaker says ({text})" },
  { ev: "button", help: "a button press was delivered ({button}: 1 link, 2 unlink, 3 action)" },
  { ev: "utterance", help: "an utterance was delivered ({text})" },
  { ev: "net", help: "a request finished ({method, url, status, ms, bytes}; query secrets redacted)" },
  { ev: "log", help: "a firmware log line ({level, text})" },
  { ev: "trap", help: "the firmware trapped and is restarted like a watchdog reboot ({message})" },
];

export const USAGE = `usage: npm start -s -- [options]      (-s keeps npm's banner off stdout)
${OPTIONS.map((o) => `  ${(o.flag + (o.value ? " " + o.value : "")).padEnd(18)} ${o.help}`).join("\n")}

headless events, one JSON object per line, each with "ev" (firmware events also "t", ms since boot):
${HEADLESS_EVENTS.map((e) => `  ${e.ev.padEnd(10)} ${e.help}`).join("\n")}
headless input, JSON lines: {"button":"link"|"unlink"|"action"}, {"say":"who am i"}, {"quit":true}
`;

export function parseArgs(argv: string[]): SimArgs {
  const a: SimArgs = {
    board: "tv", config: null, actions: null, headless: false, data: "", fresh: false,
    wasm: join(ROOT, "build", "firmware.wasm"), wallClockUnknown: false, snapshot: null, speak: false,
    lan: false, open: false, verbose: false, help: false,
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
      case "--port": {
        const n = num(need(++i, f), f);
        if (!Number.isInteger(n) || n > 65535) throw new Error("--port must be a whole number from 1 to 65535");
        a.port = n;
        break;
      }
      case "--lan": a.lan = true; break;
      case "--open": a.open = true; break;
      case "--verbose": a.verbose = true; break;
      case "--code-ttl": a.deviceCodeTtl = num(need(++i, f), f); break;
      case "--token-ttl": a.accessTokenTtl = num(need(++i, f), f); break;
      case "--no-wall-clock": a.wallClockUnknown = true; break;
      case "--snapshot": a.snapshot = need(++i, f); break;
      case "--speak": a.speak = true; break;
      case "-h": case "--help": a.help = true; break;
      default: throw new Error(`unknown option ${f}`);
    }
  }
  if (a.lan && a.config) throw new Error("--lan applies to the embedded authorization server; it cannot be used with --config");
  if (!a.data) a.data = join(ROOT, "sim-data", a.board.replace(/[^\w.-]/g, "_"));
  return a;
}


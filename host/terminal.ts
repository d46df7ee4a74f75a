// The interactive simulator's screen, redrawn in place and fitted to the
// terminal's width and height (and redrawn when the terminal is resized):
//
//   Board: tv — ...                                   (one line)
//   To link this device, open in a browser:           (while a code is shown:
//     http://127.0.0.1:43123/device                     plain text, always
//   and enter the code:  WDJB-MJHT                      visible, as gh prints
//                                                       its one-time code)
//   [QR code of verification_uri_complete]            (when it fits: one
//                                                       module per character
//                                                       column, two per row)
//   [board picture]                                   (scaled to what is left)
//   LED: ● pulse #0060ff   state: awaiting_approval
//   🔊 “...”                                          (what the board said)
//     log lines                                       (quiet unless --verbose)
//   Type what you would say, or /link ...
//   > _
//
// Everything shown passes through host/textsafe.ts: a server answer cannot
// move the cursor or rewrite the screen.
import { createInterface, Interface } from "node:readline";
// @ts-ignore -- the package ships no type declarations for ESM
import qrcode from "qrcode-generator";
import { BoardProfile } from "./profile.ts";
import { Runtime, TraceEvent } from "./runtime.ts";
import { Framebuffer } from "./framebuffer.ts";
import { safeLine, safeText } from "./textsafe.ts";

const ESC = "\x1b[";

/** What the person needs to link: where to go and what to type. */
export interface LinkInfo {
  uri: string;
  code: string;
  /** verification_uri_complete, for the QR code; may be empty. */
  complete: string;
}

/** The user code and URL a text screen shows ("Open: URL", "Enter code: CODE"), or null. */
export function linkInfoFromText(text: string): LinkInfo | null {
  const uri = /Open: (\S+)/.exec(text)?.[1];
  const code = /Enter code: (\S+)/.exec(text)?.[1];
  return uri && code ? { uri, code, complete: "" } : null;
}

/** The QR code of `text` as lines of half blocks: two modules per character row, one per column; light modules drawn. */
export function qrLines(text: string, quiet = 2): string[] {
  const qr = qrcode(0, "L");
  qr.addData(text, "Byte");
  qr.make();
  const n: number = qr.getModuleCount();
  const size = n + 2 * quiet;
  const dark = (x: number, y: number) => {
    const mx = x - quiet, my = y - quiet;
    return mx >= 0 && my >= 0 && mx < n && my < n && qr.isDark(my, mx);
  };
  const lines: string[] = [];
  for (let y = 0; y < size; y += 2) {
    let line = "";
    for (let x = 0; x < size; x++) {
      // Light modules are printed (█), dark ones left blank, so the code reads
      // the right way round on the usual dark terminal background.
      const top = !dark(x, y);
      const bottom = y + 1 < size ? !dark(x, y + 1) : false;
      line += top && bottom ? "█" : top ? "▀" : bottom ? "▄" : " ";
    }
    lines.push(line);
  }
  return lines;
}

/** Cuts `s` to `cols` characters (code points), marking the cut with "…". */
function fit(s: string, cols: number): string {
  const chars = [...s];
  if (chars.length <= cols) return s;
  return chars.slice(0, Math.max(0, cols - 1)).join("") + "…";
}

/** Splits `s` into pieces of at most `cols` characters (for URLs: no spaces to break at). */
function chop(s: string, cols: number): string[] {
  const chars = [...s];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += Math.max(1, cols)) out.push(chars.slice(i, i + Math.max(1, cols)).join(""));
  return out.length ? out : [""];
}

export interface ScreenInput {
  header: string;
  link: LinkInfo | null;
  /** Offer /open in the link block. */
  canOpen: boolean;
  frame: Framebuffer | null;
  /** A text display's content, when there is no pixel display. */
  textDisplay: { text: string; cols: number; rows: number } | null;
  status: string;
  said: string[];
  log: string[];
  hint: string;
  color: boolean;
}

/**
 * Lays the screen out for a cols × rows terminal, most important first: the
 * plain-text URL and code, the hint and prompt, the state, what was said,
 * then the QR code, the board picture and the log in the room that is left.
 * Returns the lines above the prompt (the prompt takes the last row).
 */
export function composeScreen(s: ScreenInput, cols: number, rows: number): string[] {
  cols = Math.max(20, cols);
  rows = Math.max(8, rows);
  const linkBlock: string[] = [];
  if (s.link) {
    linkBlock.push(fit("To link this device, open this address in a browser:", cols));
    for (const piece of chop(s.link.uri, cols - 2)) linkBlock.push("  " + piece);
    linkBlock.push(fit(`and enter the code:  ${s.link.code}${s.canOpen ? "   (/open opens it here)" : ""}`, cols));
  }
  const said = s.said.map((l) => fit(`🔊 “${l}”`, cols - 1));
  const top = [fit(s.header, cols), ...linkBlock];
  const bottom = [fit(s.status, cols), ...said];
  const hint = fit(s.hint, cols);
  // Rows for the QR code, the picture and the log: all but the prompt, the
  // hint, the blank line above the hint and the fixed blocks.
  let room = rows - 3 - top.length - bottom.length;

  const middle: string[] = [];
  // The QR code when it fits beside everything above, with two rows to spare for the log.
  if (s.link && s.link.complete) {
    const qr = qrLines(s.link.complete);
    if (qr.length <= room - 2 && [...qr[0]].length <= cols) {
      middle.push(...qr);
      room -= qr.length;
    }
  }
  // The board picture in what is left, keeping up to three rows for the log.
  const logRows = Math.min(s.log.length, 3);
  const pictureRows = room - logRows;
  if (s.frame) {
    const pic = picture(s.frame, cols - 2, pictureRows - 2, s.color);
    if (pic) {
      middle.push("┌" + "─".repeat(pic.width) + "┐", ...pic.lines.map((l) => "│" + l + "│"),
        fit("└" + "─".repeat(pic.width) + "┘" + (pic.scale > 1 ? ` ${s.frame.width}x${s.frame.height} at 1/${pic.scale}` : ""), cols));
    } else {
      middle.push(fit("(board picture hidden: the terminal is too small; /snap saves it as a PNG)", cols));
    }
  } else if (s.textDisplay) {
    const w = Math.min(s.textDisplay.cols, cols - 4);
    const lines = s.textDisplay.text.split("\n");
    const shown = Math.min(s.textDisplay.rows, Math.max(0, pictureRows - 2));
    if (shown > 0) {
      middle.push("┌" + "─".repeat(w + 2) + "┐");
      for (let i = 0; i < shown; i++) middle.push("│ " + fit(lines[i] ?? "", w).padEnd(w) + " │");
      middle.push("└" + "─".repeat(w + 2) + "┘");
    }
  } else if (pictureRows > 0) {
    middle.push("(no display)");
  }
  const logShown = Math.max(0, rows - 3 - top.length - middle.length - bottom.length);
  const log = logShown > 0 ? s.log.slice(-logShown).map((l) => fit("  " + l, cols)) : [];
  return [...top, ...middle, ...bottom, ...log, "", hint].slice(-(rows - 1));
}

/** The frame scaled down by a whole factor until it fits cols × rows character cells (two pixel rows per cell). */
function picture(fb: Framebuffer, cols: number, rows: number, color: boolean): { lines: string[]; width: number; scale: number } | null {
  if (cols < 8 || rows < 3) return null;
  let f = Math.max(1, Math.ceil(fb.width / cols), Math.ceil(fb.height / (2 * rows)));
  for (; f <= Math.max(fb.width, fb.height); f++) {
    const maxCols = Math.ceil(fb.width / f);
    const lines = fb.toTerminal({ color, maxCols });
    const width = Math.ceil(fb.width / Math.ceil(fb.width / maxCols));
    if (lines.length <= rows && width <= cols) return { lines, width, scale: Math.ceil(fb.width / maxCols) };
  }
  return null;
}

function rgbDot(rgb: string, pattern: string, color: boolean): string {
  if (pattern === "off") return "○";
  if (!color) return "●";
  const n = parseInt(rgb.slice(1), 16);
  return `${ESC}38;2;${(n >> 16) & 255};${(n >> 8) & 255};${n & 255}m●${ESC}0m`;
}

export interface TerminalViewOptions {
  /** Show every network request and every log line. */
  verbose?: boolean;
  /** Offer /open for the linking URL. */
  canOpen?: boolean;
  /** Called with the link info whenever a new code is shown. */
  onLinkInfo?: (info: LinkInfo) => void;
}

export class TerminalView {
  private rl: Interface | null = null;
  private display = "";
  private state = "";
  private led = { pattern: "off", rgb: "#000000", periodMs: 0 };
  private said: string[] = [];
  private log: string[] = [];
  private pending = false;
  private frame: Framebuffer | null = null;
  private serverLink: LinkInfo | null = null;
  private lastLinkKey = "";
  private color = !!process.stdout.isTTY && !process.env.NO_COLOR;
  private onResize = () => this.redrawSoon();

  constructor(private profile: BoardProfile, private opts: TerminalViewOptions = {}) {
    process.stdout.on("resize", this.onResize);
  }

  /** A new frame on the pixel display. */
  onFrame(fb: Framebuffer): void {
    this.frame = fb;
    this.redrawSoon();
  }

  attach(_rt: Runtime): void {}

  /**
   * What the embedded server issued to this device (URL, code, complete URL),
   * for boards whose screen the terminal cannot read as text (OLED, speaker)
   * and for the QR code. Shown only while the device is waiting for approval.
   */
  setServerLink(info: LinkInfo | null): void {
    this.serverLink = info && { uri: safeLine(info.uri), code: safeLine(info.code), complete: safeLine(info.complete) };
    this.redrawSoon();
  }

  /** The URL and code to show now, or null when the device is not waiting for approval. */
  currentLink(): LinkInfo | null {
    if (this.state !== "awaiting_approval" && this.state !== "backoff") return null;
    const fromScreen = linkInfoFromText(this.display);
    const server = this.serverLink;
    if (fromScreen) {
      // The QR code carries the complete URL the server gave for this code.
      const complete = server && server.code === fromScreen.code ? server.complete : "";
      return { ...fromScreen, complete };
    }
    return server;
  }

  onEvent(e: TraceEvent): void {
    const verbose = !!this.opts.verbose;
    switch (e.ev) {
      case "display": this.display = safeText(String(e.text)); break;
      case "state": {
        const s = safeLine(String(e.state));
        // What was said belongs to the state it was said in.
        if (s !== this.state) this.said = [];
        this.state = s;
        break;
      }
      case "led": this.led = { pattern: safeLine(String(e.pattern)), rgb: safeLine(String(e.rgb)), periodMs: Number(e.periodMs) }; break;
      case "say": this.said.push(safeLine(String(e.text))); this.said = this.said.slice(-2); break;
      case "net": {
        // Quiet by default: polls answered 400 authorization_pending every
        // few seconds are normal. Transport failures and server errors show.
        const status = Number(e.status);
        if (verbose || status < 0 || status >= 500) this.addLog(`net ${e.method} ${e.url} → ${e.status} (${e.ms} ms)`);
        break;
      }
      case "log":
        if (verbose || e.level !== "debug") this.addLog(`${e.level}: ${e.text}`);
        break;
      case "trap": this.addLog(`TRAP: ${e.message} (restarting like a watchdog)`); break;
      case "boot": this.addLog(`boot #${e.boots} on board ${e.board}`); break;
      default: return;
    }
    const link = this.currentLink();
    const key = link ? `${link.uri} ${link.code}` : "";
    if (link && key !== this.lastLinkKey) this.opts.onLinkInfo?.(link);
    this.lastLinkKey = key;
    this.redrawSoon();
  }

  note(line: string): void {
    this.addLog(line);
    this.redrawSoon();
  }

  private addLog(line: string): void {
    this.log.push(safeLine(line));
    this.log = this.log.slice(-20);
  }

  private redrawSoon(): void {
    if (this.pending) return;
    this.pending = true;
    setImmediate(() => {
      this.pending = false;
      this.redraw();
    });
  }

  private redraw(): void {
    const p = this.profile;
    const cols = process.stdout.columns || 80;
    const rows = process.stdout.rows || 24;
    const ring = p.leds > 1 ? `${p.leds}-LED ring` : "LED";
    const lines = composeScreen({
      header: safeLine(`Board: ${p.name}${p.description ? ` — ${p.description}` : ""}`),
      link: this.currentLink(),
      canOpen: !!this.opts.canOpen,
      frame: this.frame,
      textDisplay: !this.frame && p.text ? { text: this.display, cols: p.text.cols, rows: p.text.rows } : null,
      status: `${ring}: ${this.led.pattern} ${this.led.rgb}   state: ${this.state}`,
      said: this.said,
      log: this.log,
      hint: `Type what you would say, or /link /unlink /action${p.display ? " /snap" : ""}${this.opts.canOpen ? " /open" : ""} /quit.`,
      color: this.color,
    }, cols, rows);
    // The LED dot in colour, added after layout (it is one column wide).
    const statusAt = lines.findIndex((l) => l.startsWith(`${ring}: `));
    if (statusAt >= 0) lines[statusAt] = lines[statusAt].replace(`${ring}: `, `${ring}: ${rgbDot(this.led.rgb, this.led.pattern, this.color)} `);
    const clear = process.stdout.isTTY ? `${ESC}H${ESC}2J` : "";
    process.stdout.write(clear + lines.join("\n") + "\n");
    this.rl?.prompt(true);
  }

  prompt(onLine: (line: string) => void): void {
    this.rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
    this.rl.on("line", (line) => {
      onLine(line);
      this.rl?.prompt();
    });
    this.rl.on("close", () => process.kill(process.pid, "SIGINT"));
    this.redrawSoon();
  }

  close(): void {
    process.stdout.off("resize", this.onResize);
    this.rl?.close();
    this.rl = null;
  }
}

// The interactive simulator's screen: the board's display, LED and what it
// said, redrawn in place, with a prompt for what the person would say.
// A pixel display is drawn with half-block characters (two pixel rows per
// character row), scaled down to the terminal's width; until the firmware
// draws its first frame, the text screen is shown instead.
import { createInterface, Interface } from "node:readline";
import { BoardProfile } from "./profile.ts";
import { Runtime, TraceEvent } from "./runtime.ts";
import { Framebuffer } from "./framebuffer.ts";

const ESC = "\x1b[";
const color = process.stdout.isTTY && !process.env.NO_COLOR;

function rgbDot(rgb: string, pattern: string): string {
  if (pattern === "off") return "○";
  if (!color) return "●";
  const n = parseInt(rgb.slice(1), 16);
  return `${ESC}38;2;${(n >> 16) & 255};${(n >> 8) & 255};${n & 255}m●${ESC}0m`;
}

export class TerminalView {
  private rt: Runtime | null = null;
  private rl: Interface | null = null;
  private display = "";
  private state = "";
  private led = { pattern: "off", rgb: "#000000", periodMs: 0 };
  private said: string[] = [];
  private log: string[] = [];
  private pending = false;
  private frame: Framebuffer | null = null;

  constructor(private profile: BoardProfile) {}

  /** A new frame on the pixel display. */
  onFrame(fb: Framebuffer): void {
    this.frame = fb;
    this.redrawSoon();
  }

  attach(rt: Runtime): void {
    this.rt = rt;
  }

  onEvent(e: TraceEvent): void {
    switch (e.ev) {
      case "display": this.display = String(e.text); break;
      case "state": this.state = String(e.state); break;
      case "led": this.led = { pattern: String(e.pattern), rgb: String(e.rgb), periodMs: Number(e.periodMs) }; break;
      case "say": this.said.push(String(e.text)); this.said = this.said.slice(-3); break;
      case "net": this.addLog(`net ${e.method} ${e.url} → ${e.status} (${e.ms} ms)`); break;
      case "log": this.addLog(`${e.level}: ${e.text}`); break;
      case "trap": this.addLog(`TRAP: ${e.message} (restarting like a watchdog)`); break;
      case "boot": this.addLog(`boot #${e.boots} on board ${e.board}`); break;
      default: return;
    }
    this.redrawSoon();
  }

  note(line: string): void {
    this.addLog(line);
    this.redrawSoon();
  }

  private addLog(line: string): void {
    this.log.push(line);
    this.log = this.log.slice(-6);
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
    const cols = p.text ? p.text.cols : 40;
    const out: string[] = [];
    if (process.stdout.isTTY) out.push(`${ESC}2J${ESC}H`);
    out.push(`Board: ${p.name}${p.description ? ` — ${p.description}` : ""}`);
    if (this.frame) {
      const fb = this.frame;
      const maxCols = Math.max(16, (process.stdout.columns || 80) - 2);
      const lines = fb.toTerminal({ color: !!color, maxCols });
      const width = Math.ceil(fb.width / Math.max(1, Math.ceil(fb.width / maxCols)));
      out.push("┌" + "─".repeat(width) + "┐");
      for (const l of lines) out.push("│" + l + "│");
      out.push("└" + "─".repeat(width) + "┘" + (width < fb.width ? ` ${fb.width}x${fb.height}, scaled down` : ""));
    } else if (p.text) {
      out.push("┌" + "─".repeat(cols + 2) + "┐");
      const lines = this.display.split("\n");
      for (let i = 0; i < p.text.rows; i++) out.push("│ " + (lines[i] ?? "").padEnd(cols).slice(0, cols) + " │");
      out.push("└" + "─".repeat(cols + 2) + "┘");
    } else {
      out.push("(no display)");
    }
    const ring = p.leds > 1 ? `${p.leds}-LED ring` : "LED";
    out.push(`${ring}: ${rgbDot(this.led.rgb, this.led.pattern)} ${this.led.pattern} ${this.led.rgb}   state: ${this.state}`);
    for (const s of this.said) out.push(`🔊 “${s}”`);
    out.push("");
    for (const l of this.log) out.push(`  ${l}`);
    out.push("");
    out.push(`Type what you would say, or /link /unlink /action${p.display ? " /snap" : ""} /quit.`);
    process.stdout.write(out.join("\n") + "\n");
    this.rl?.prompt(true);
  }

  prompt(onLine: (line: string) => void): void {
    this.rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
    this.rl.on("line", (line) => {
      onLine(line);
      this.rl?.prompt();
    });
    this.rl.on("close", () => process.kill(process.pid, "SIGINT"));
    this.rl.prompt();
  }

  close(): void {
    this.rl?.close();
    this.rl = null;
  }
}

// What every test device has in common: the trace (one event per line, the
// host's trace format, the same on every engine), read as it arrives, and
// waits on it with a clear timeout message.
import type { ChildProcess } from "node:child_process";
import { performance } from "node:perf_hooks";
import { expandNote } from "../../host/notes.ts";

export type TraceLine = { t: number; ev: string; at: number; [k: string]: any };

export class Trace {
  readonly lines: TraceLine[] = [];
  readonly raw: string[] = [];
  readonly stderr: string[] = [];
  private waiters: { pred: (l: TraceLine) => boolean; resolve: (l: TraceLine) => void }[] = [];
  private child: ChildProcess | null = null;
  /** Resolves with the followed process's exit code. */
  protected exited: Promise<number | null> = Promise.resolve(null);

  /** `label` prefixes timeout messages ("[wasmtime] timed out ..."). */
  constructor(private readonly label = "") {}

  /** Takes one event (already parsed), stamped with the time it arrived here. */
  protected add(event: object, text: string = JSON.stringify(event)): void {
    const l = { ...event, at: performance.now() } as TraceLine;
    // Numbered log lines (assembly/notes.ts) read as words, as the simulator prints them.
    if (l.ev === "log" && typeof l.text === "string") l.text = expandNote(l.text);
    this.raw.push(text);
    this.lines.push(l);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(l)) return true;
      w.resolve(l);
      return false;
    });
  }

  /** Reads a child process's stdout as JSON lines and keeps its stderr. */
  protected follow(proc: ChildProcess): void {
    this.child = proc;
    this.exited = new Promise((r) => proc.on("exit", (code) => r(code)));
    let buf = "";
    proc.stdout!.setEncoding("utf8");
    proc.stdout!.on("data", (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let event: object;
        try {
          event = JSON.parse(text);
        } catch {
          event = { t: -1, ev: "unparsable", text };
        }
        this.add(event, text);
      }
    });
    proc.stderr!.setEncoding("utf8");
    proc.stderr!.on("data", (c: string) => this.stderr.push(c));
  }

  /** Ends the followed process: SIGTERM, then SIGKILL after 3 s; resolves once it is gone. */
  protected async endProcess(): Promise<void> {
    const p = this.child;
    if (p === null || p.exitCode !== null || p.signalCode !== null) return;
    p.kill("SIGTERM");
    const t = setTimeout(() => p.kill("SIGKILL"), 3000);
    await this.exited;
    clearTimeout(t);
  }

  /** Resolves with the first trace line (already seen or future) that matches. */
  waitFor(pred: (l: TraceLine) => boolean, timeoutMs = 20000, what = "a trace line"): Promise<TraceLine> {
    const seen = this.lines.find(pred);
    return seen ? Promise.resolve(seen) : this.next(pred, timeoutMs, what);
  }

  /** Resolves with the next future trace line that matches. */
  next(pred: (l: TraceLine) => boolean, timeoutMs = 20000, what = "a trace line"): Promise<TraceLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const who = this.label ? `[${this.label}] ` : "";
        reject(new Error(`${who}timed out after ${timeoutMs} ms waiting for ${what}; last trace lines:\n` +
          `${this.raw.slice(-15).join("\n")}\nstderr: ${this.stderr.join("").slice(-2000)}`));
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

  waitLog(re: RegExp, timeoutMs = 20000): Promise<TraceLine> {
    return this.waitFor((l) => l.ev === "log" && re.test(l.text), timeoutMs, `log matching ${re}`);
  }

  states(): string[] {
    return this.lines.filter((l) => l.ev === "state").map((l) => l.state);
  }

  lastDisplay(): string {
    const d = this.lines.filter((l) => l.ev === "display");
    return d.length ? d[d.length - 1].text : "";
  }

  /** The whole trace as text, for "never contains a secret" checks. */
  traceText(): string {
    return this.raw.join("\n") + this.stderr.join("");
  }
}

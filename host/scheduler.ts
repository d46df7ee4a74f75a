// The scheduler: owns the firmware instance, the bounded event queue and
// the one timer, calls the module's entry points only from the event loop
// (never from inside an import), and restarts the firmware after a trap as
// a watchdog would: 1 s, doubling to 30 s, back to 1 s only once the
// firmware has run a while without a trap (boards/ABI.md). It also watches
// for a module that spins (far more entries than events) and logs it.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { Board, BoardOptions, ProcExit, TraceEvent } from "./board.ts";
import { NetResult } from "./net.ts";

export const ABI_VERSION = 1;
export const EVENT_QUEUE_CAP = 64;

/** Watchdog: first restart delay, its cap, and how long a run must last to reset it (ms). */
export const RESTART_DELAY_MS = 1000;
export const RESTART_DELAY_CAP_MS = 30000;
export const HEALTHY_RUN_MS = 60000;

/** Spin detection: over one second, more entries than this many per event (plus a floor) is a spin. */
export const SPIN_WINDOW_MS = 1000;
export const SPIN_ENTRIES_FLOOR = 100;
export const SPIN_ENTRIES_PER_EVENT = 10;

/** Time and timers, replaceable so a test can run the scheduler on a virtual clock. */
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate(fn: () => void): void;
}

export function realClock(): Clock {
  const t0 = performance.now();
  return {
    now: () => Math.floor(performance.now() - t0),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
    setImmediate: (fn) => void setImmediate(fn),
  };
}

export interface SchedulerOptions extends BoardOptions {
  wasm: string | Uint8Array;
  /** Receives every observable thing: state, display, led, say, net, log, trap, boot. */
  trace?: (e: TraceEvent) => void;
  /** First watchdog delay (ms); doubles to RESTART_DELAY_CAP_MS. */
  restartDelayMs?: number;
  clock?: Clock;
  /** Instrumentation (the benchmark's timers): wraps each instance's exports. */
  wrapExports?: (ex: Exports) => Exports;
  /** Instrumentation: wraps the imports given to each instance. */
  wrapImports?: (imports: WebAssembly.Imports) => WebAssembly.Imports;
}

type Event =
  | { kind: "net"; epoch: number; id: number; result: NetResult }
  | { kind: "button"; button: number }
  | { kind: "utterance"; text: string };

export interface Exports {
  memory: WebAssembly.Memory;
  _start: () => void;
  fw_abi_version: () => number;
  fw_init: () => number;
  fw_tick: (now: bigint) => bigint;
  fw_on_net_response: (id: number, status: number, bodyLen: number) => void;
  fw_on_button: (b: number) => void;
  fw_on_utterance: (len: number) => void;
}

const utf8 = new TextEncoder();

export class Scheduler {
  readonly board: Board;
  private module: WebAssembly.Module;
  private exports: Exports | null = null;
  private queue: Event[] = [];
  private timer: unknown = null;
  private deadline = -1;
  private draining = false;
  private stopped = false;
  private epoch = 0; // bumps on every (re)instantiation; stale completions are dropped
  private clock: Clock;
  private restartDelay: number;
  private bootedAt = -1;
  private spinWindow = { start: 0, entries: 0, events: 0, reported: false };
  /** Counters a benchmark or test can read. */
  readonly stats = { ticks: 0, events: 0, traps: 0, boots: 0, dropped: 0, entries: 0, spins: 0, restartDelays: [] as number[] };
  lastTrap: string | null = null;
  /** The JS stack of the last trap (wasm frames included): for debugging, never traced. */
  lastTrapStack: string | null = null;

  constructor(private opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock();
    const bytes = typeof opts.wasm === "string" ? readFileSync(opts.wasm) : opts.wasm;
    this.module = new WebAssembly.Module(bytes);
    this.restartDelay = opts.restartDelayMs ?? RESTART_DELAY_MS;
    this.board = new Board(opts, {
      now: () => this.now(),
      trace: (e) => this.trace(e),
      complete: (epoch, id, result) => {
        if (epoch !== this.epoch || this.stopped) return; // the firmware that asked is gone
        this.enqueue({ kind: "net", epoch, id, result });
      },
    });
  }

  get profile() {
    return this.board.profile;
  }

  get view() {
    return this.board.view;
  }

  /** Monotonic milliseconds since this scheduler started. */
  now(): number {
    return this.clock.now();
  }

  private trace(e: TraceEvent): void {
    this.opts.trace?.({ t: this.now(), ...e });
  }

  /** Instantiates the module and boots the firmware. */
  start(): void {
    this.stopped = false;
    this.boot();
  }

  stop(): void {
    this.stopped = true;
    this.disarm();
    this.board.abortAll();
    this.exports = null;
  }

  pressButton(button: number): void {
    this.enqueue({ kind: "button", button });
  }

  utter(text: string): void {
    this.enqueue({ kind: "utterance", text });
  }

  /** Linear memory size in bytes (for memory benchmarks and tests). */
  memoryBytes(): number {
    return this.exports ? this.exports.memory.buffer.byteLength : 0;
  }

  /** The current instance's linear memory (null before start or after a trap). */
  memoryView(): Uint8Array | null {
    return this.exports ? new Uint8Array(this.exports.memory.buffer) : null;
  }

  private enqueue(e: Event): void {
    if (this.stopped) return;
    if (this.queue.length >= EVENT_QUEUE_CAP && e.kind !== "net") {
      this.stats.dropped++;
      this.trace({ ev: "log", level: "warn", text: `event queue full: ${e.kind} dropped` });
      return;
    }
    this.queue.push(e);
    if (this.draining) return;
    this.draining = true;
    this.clock.setImmediate(() => {
      this.draining = false;
      this.drain();
    });
  }

  private boot(): void {
    if (this.stopped) return;
    this.epoch++;
    this.exports = null;
    this.board.abortAll();
    this.queue = this.queue.filter((e) => e.kind !== "net");
    let imports = this.board.imports(this.epoch);
    if (this.opts.wrapImports) imports = this.opts.wrapImports(imports);
    try {
      const instance = new WebAssembly.Instance(this.module, imports);
      let ex = instance.exports as unknown as Exports;
      if (this.opts.wrapExports) ex = this.opts.wrapExports(ex);
      this.exports = ex;
      this.board.attach(ex.memory);
      ex._start();
      const v = ex.fw_abi_version();
      if (v !== ABI_VERSION) {
        this.trace({ ev: "log", level: "error", text: `module speaks ABI ${v}, board speaks ${ABI_VERSION}: refused` });
        this.exports = null;
        return;
      }
      this.stats.boots++;
      this.bootedAt = this.now();
      this.trace({ ev: "boot", board: this.profile.name, boots: this.stats.boots });
      this.countEntry();
      const rc = ex.fw_init();
      if (rc !== 0) this.trace({ ev: "log", level: "warn", text: `fw_init returned ${rc}` });
    } catch (err) {
      this.onTrap(err);
      return;
    }
    this.tick();
  }

  private onTrap(err: unknown): void {
    this.stats.traps++;
    const msg = err instanceof Error ? err.message : String(err);
    this.lastTrap = msg;
    this.lastTrapStack = err instanceof Error ? err.stack ?? null : null;
    this.trace({ ev: "trap", message: msg });
    this.exports = null;
    this.board.abortAll();
    this.disarm();
    // The delay goes back to its start only after a healthy run, so a module
    // that traps soon after every boot is restarted ever more slowly.
    const base = this.opts.restartDelayMs ?? RESTART_DELAY_MS;
    if (this.bootedAt >= 0 && this.now() - this.bootedAt >= HEALTHY_RUN_MS) this.restartDelay = base;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, RESTART_DELAY_CAP_MS);
    this.stats.restartDelays.push(delay);
    this.trace({ ev: "log", level: "warn", text: `watchdog: restarting the firmware in ${delay} ms` });
    if (!this.stopped) {
      const h = this.clock.setTimeout(() => this.boot(), delay) as { unref?: () => void } | null;
      h?.unref?.();
    }
  }

  /** Runs one firmware entry point, turning a trap into a restart. */
  private enter(fn: (ex: Exports) => void): boolean {
    const ex = this.exports;
    if (!ex) return false;
    this.countEntry();
    try {
      fn(ex);
      return true;
    } catch (err) {
      this.onTrap(err);
      return false;
    }
  }

  /** Spin detection: entries per second far beyond the events that could explain them. */
  private countEntry(): void {
    this.stats.entries++;
    const w = this.spinWindow;
    const now = this.now();
    if (now - w.start >= SPIN_WINDOW_MS) {
      w.start = now;
      w.entries = 0;
      w.events = 0;
      w.reported = false;
    }
    w.entries++;
    if (!w.reported && w.entries > SPIN_ENTRIES_FLOOR + SPIN_ENTRIES_PER_EVENT * w.events) {
      w.reported = true;
      this.stats.spins++;
      this.trace({ ev: "log", level: "warn", text: `firmware is spinning: ${w.entries} entries for ${w.events} events within ${SPIN_WINDOW_MS} ms` });
    }
  }

  private drain(): void {
    while (this.queue.length && this.exports && !this.stopped) {
      const e = this.queue.shift()!;
      this.stats.events++;
      this.spinWindow.events++;
      let ok: boolean;
      const b = this.board;
      if (e.kind === "net") {
        b.current = { id: e.id, result: e.result };
        ok = this.enter((ex) => ex.fw_on_net_response(e.id, e.result.status, e.result.body.length));
        b.current = null;
      } else if (e.kind === "button") {
        this.trace({ ev: "button", button: e.button });
        ok = this.enter((ex) => ex.fw_on_button(e.button));
      } else {
        this.trace({ ev: "utterance", text: e.text });
        b.utterance = utf8.encode(e.text);
        ok = this.enter((ex) => ex.fw_on_utterance(b.utterance!.length));
        b.utterance = null;
      }
      if (ok) this.tick();
    }
  }

  private tick(): void {
    if (!this.exports || this.stopped) return;
    const now = this.now();
    let next = -1n;
    this.stats.ticks++;
    if (!this.enter((ex) => { next = ex.fw_tick(BigInt(now)); })) return;
    this.arm(Number(next));
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(deadline: number): void {
    this.disarm();
    this.deadline = deadline;
    if (deadline < 0) return;
    const wait = Math.max(0, deadline - this.now());
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      // Node may fire a timer up to a millisecond early; the firmware must
      // never see a time before the deadline it asked for.
      if (this.now() < this.deadline) return this.arm(this.deadline);
      this.tick();
    }, wait);
  }
}

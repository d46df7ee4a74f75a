// The firmware in this process: the simulated device (host/device.ts, as
// the simulator builds it), plus what the benchmark needs to see: every
// trace event with its performance.now() arrival time, the time spent
// inside the module's entry points and inside the board calls they make,
// and the largest linear memory seen.
//
// The timing wraps the module's exports and the board's imports through
// the scheduler's instrumentation hooks (wrapExports, wrapImports).
import { performance } from "node:perf_hooks";
import { Runtime, TraceEvent } from "../host/runtime.ts";
import { createSimDevice } from "../host/device.ts";
import { Exports } from "../host/scheduler.ts";
import { BoardProfile } from "../host/profile.ts";
import { Flash } from "../host/flash.ts";
import { Sealer } from "../host/seal.ts";

export type Seen = TraceEvent & { at: number };

export interface BenchDeviceOptions {
  wasm: Uint8Array;
  profile: BoardProfile;
  deviceConfig: string;
  actionTable?: string | null;
  flash?: Flash;
  sealer?: Sealer;
  /** Called for every trace event, synchronously, before waiters. */
  onEvent?: (e: Seen) => void;
  /** Keep the last this many events for error messages. */
  keep?: number;
}

interface Waiter {
  pred: (e: Seen) => boolean;
  resolve: (e: Seen) => void;
}

const ENTRY_POINTS = ["_start", "fw_abi_version", "fw_init", "fw_tick", "fw_on_net_response", "fw_on_button", "fw_on_utterance"];

export class BenchDevice {
  readonly rt: Runtime;
  readonly flash: Flash;
  readonly sealer: Sealer;
  /** Milliseconds inside the module's entry points, board calls included. */
  entryMs = 0;
  /** Milliseconds inside board calls (imports) made from those entry points. */
  importMs = 0;
  /** Calls into the module's entry points. */
  entries = 0;
  /** Largest linear memory seen after any entry point returned, bytes. */
  memoryHigh = 0;
  readonly recent: Seen[] = [];
  private waiters: Waiter[] = [];
  private keep: number;
  private depth = 0;

  constructor(private o: BenchDeviceOptions) {
    this.keep = o.keep ?? 200;
    const sim = createSimDevice({
      wasm: o.wasm,
      profile: o.profile,
      deviceConfig: o.deviceConfig,
      actionTable: o.actionTable ?? null,
      flash: o.flash,
      sealer: o.sealer,
      trace: (e) => this.onTrace(e),
      wrapExports: (ex) => this.wrapExports(ex as unknown as Record<string, unknown>) as unknown as Exports,
      wrapImports: (imports) => this.wrapImports(imports),
    });
    this.rt = sim.runtime;
    this.flash = sim.flash;
    this.sealer = sim.sealer;
  }

  /** Firmware time without the board calls it made, ms. */
  get ownMs(): number {
    return this.entryMs - this.importMs;
  }

  private wrapImports(all: WebAssembly.Imports): WebAssembly.Imports {
    for (const mod of Object.values(all) as Record<string, unknown>[]) {
      for (const [name, fn] of Object.entries(mod)) {
        if (typeof fn === "function") mod[name] = this.timeImport(fn as (...a: unknown[]) => unknown);
      }
    }
    return all;
  }

  private wrapExports(ex: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = { ...ex };
    const memory = ex.memory as WebAssembly.Memory;
    for (const name of ENTRY_POINTS) {
      const fn = ex[name];
      if (typeof fn !== "function") continue;
      out[name] = (...args: unknown[]) => {
        const t0 = performance.now();
        this.depth++;
        try {
          return (fn as (...a: unknown[]) => unknown)(...args);
        } finally {
          this.depth--;
          this.entryMs += performance.now() - t0;
          this.entries++;
          const m = memory.buffer.byteLength;
          if (m > this.memoryHigh) this.memoryHigh = m;
        }
      };
    }
    return out;
  }

  private timeImport(fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    return (...args: unknown[]) => {
      if (this.depth === 0) return fn(...args);
      const t0 = performance.now();
      try {
        return fn(...args);
      } finally {
        this.importMs += performance.now() - t0;
      }
    };
  }

  private onTrace(e: TraceEvent): void {
    const s = { ...e, at: performance.now() } as Seen;
    this.recent.push(s);
    if (this.recent.length > this.keep) this.recent.shift();
    this.o.onEvent?.(s);
    if (this.waiters.length) {
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(s)) return true;
        w.resolve(s);
        return false;
      });
    }
  }

  start(): void {
    this.rt.start();
  }

  stop(): void {
    this.rt.stop();
    this.waiters = [];
  }

  /** The next event (from now on) that matches. */
  next(pred: (e: Seen) => boolean, timeoutMs: number, what: string): Promise<Seen> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        const tail = this.recent.slice(-12).map((x) => JSON.stringify(x)).join("\n");
        reject(new Error(`no ${what} within ${timeoutMs} ms; last events:\n${tail}`));
      }, timeoutMs);
      const done = (e: Seen) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({ pred, resolve: done });
    });
  }

  /** Like next(), but an already seen event (still in `recent`) counts. */
  waitFor(pred: (e: Seen) => boolean, timeoutMs: number, what: string): Promise<Seen> {
    const seen = this.recent.find(pred);
    return seen ? Promise.resolve(seen) : this.next(pred, timeoutMs, what);
  }

  waitState(state: string, timeoutMs: number): Promise<Seen> {
    return this.waitFor((e) => e.ev === "state" && e.state === state, timeoutMs, `state ${state}`);
  }
}

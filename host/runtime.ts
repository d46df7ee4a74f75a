// The host runtime: loads the firmware module, implements the board ABI
// (boards/ABI.md), owns the event queue and the one timer, moves bytes
// across, and restarts the firmware after a trap. It decides nothing.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { randomFillSync } from "node:crypto";
import { BoardProfile } from "./profile.ts";
import { Flash } from "./flash.ts";
import { Sealer } from "./seal.ts";
import { HttpClient, NetResult } from "./net.ts";

export const ABI_VERSION = 1;

export const EINVAL = -1, ENOTSUP = -2, EBUSY = -3, ENOENT = -4, EIO = -5, ETOOSMALL = -6, EAUTH = -7;

export const MAX_IN_FLIGHT = 4;
export const EVENT_QUEUE_CAP = 64;

export type TraceEvent = { ev: string; [k: string]: unknown };

export interface RuntimeOptions {
  wasm: string | Uint8Array;
  profile: BoardProfile;
  deviceConfig: string | null;
  actionTable?: string | null;
  flash: Flash;
  sealer: Sealer;
  /** Receives every observable thing: state, display, led, say, net, log, trap, boot. */
  trace?: (e: TraceEvent) => void;
  /** Wall clock in Unix seconds; return 0 to act as a board before time sync. */
  wallClock?: () => number;
  /** Delay before re-instantiating after a trap (ms); doubles to 30 s. */
  restartDelayMs?: number;
}

type Event =
  | { kind: "net"; id: number; result: NetResult }
  | { kind: "button"; button: number }
  | { kind: "utterance"; text: string };

interface Exports {
  memory: WebAssembly.Memory;
  _start: () => void;
  fw_abi_version: () => number;
  fw_init: () => number;
  fw_tick: (now: bigint) => bigint;
  fw_on_net_response: (id: number, status: number, bodyLen: number) => void;
  fw_on_button: (b: number) => void;
  fw_on_utterance: (len: number) => void;
}

class ProcExit extends Error {
  constructor(public code: number) {
    super(`firmware called proc_exit(${code})`);
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

export class Runtime {
  readonly profile: BoardProfile;
  private module: WebAssembly.Module;
  private exports: Exports | null = null;
  private queue: Event[] = [];
  private timer: NodeJS.Timeout | null = null;
  private deadline = -1;
  private running = false;
  private draining = false;
  private stopped = false;
  private net: HttpClient;
  private current: { id: number; result: NetResult } | null = null;
  private currentUtterance: Uint8Array | null = null;
  private epoch = 0; // bumps on every (re)instantiation; stale completions are dropped
  private consoleLine = "";
  private restartDelay: number;
  private readonly t0 = performance.now();
  /** Counters a benchmark or test can read. */
  readonly stats = { ticks: 0, events: 0, traps: 0, boots: 0, dropped: 0 };
  /** What the board shows now. */
  readonly view = { state: "", display: "", led: { pattern: 0, rgb: 0, periodMs: 0 }, said: [] as string[] };
  lastTrap: string | null = null;
  /** The JS stack of the last trap (wasm frames included): for debugging, never traced. */
  lastTrapStack: string | null = null;

  constructor(private opts: RuntimeOptions) {
    this.profile = opts.profile;
    const bytes = typeof opts.wasm === "string" ? readFileSync(opts.wasm) : opts.wasm;
    this.module = new WebAssembly.Module(bytes);
    this.net = new HttpClient({ bodyCap: this.profile.netBodyCap, maxInFlight: MAX_IN_FLIGHT });
    this.restartDelay = opts.restartDelayMs ?? 1000;
  }

  /** Monotonic milliseconds since this runtime started. */
  now(): number {
    return Math.floor(performance.now() - this.t0);
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
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.net.abortAll();
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

  private enqueue(e: Event): void {
    if (this.stopped) return;
    if (this.queue.length >= EVENT_QUEUE_CAP && e.kind !== "net") {
      this.stats.dropped++;
      this.trace({ ev: "log", level: "warn", text: `event queue full: ${e.kind} dropped` });
      return;
    }
    this.queue.push(e);
    this.scheduleDrain();
  }

  private scheduleDrain(): void {
    if (this.draining) return;
    this.draining = true;
    setImmediate(() => {
      this.draining = false;
      this.drain();
    });
  }

  private boot(): void {
    if (this.stopped) return;
    this.epoch++;
    this.exports = null;
    this.net.abortAll();
    this.queue = this.queue.filter((e) => e.kind !== "net");
    const imports = this.imports();
    let ex: Exports;
    try {
      const instance = new WebAssembly.Instance(this.module, imports);
      ex = instance.exports as unknown as Exports;
      this.exports = ex;
      ex._start();
      const v = ex.fw_abi_version();
      if (v !== ABI_VERSION) {
        this.trace({ ev: "log", level: "error", text: `module speaks ABI ${v}, board speaks ${ABI_VERSION}: refused` });
        this.exports = null;
        return;
      }
      this.stats.boots++;
      this.trace({ ev: "boot", board: this.profile.name, boots: this.stats.boots });
      const rc = ex.fw_init();
      if (rc !== 0) this.trace({ ev: "log", level: "warn", text: `fw_init returned ${rc}` });
    } catch (err) {
      this.onTrap(err);
      return;
    }
    this.restartDelay = this.opts.restartDelayMs ?? 1000;
    this.tick();
  }

  private onTrap(err: unknown): void {
    this.stats.traps++;
    const msg = err instanceof Error ? err.message : String(err);
    this.lastTrap = msg;
    this.lastTrapStack = err instanceof Error ? err.stack ?? null : null;
    this.trace({ ev: "trap", message: msg });
    this.exports = null;
    this.net.abortAll();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const delay = this.restartDelay;
    this.restartDelay = Math.min(this.restartDelay * 2, 30000);
    if (!this.stopped) setTimeout(() => this.boot(), delay).unref?.();
  }

  /** Runs one firmware entry point, turning a trap into a restart. */
  private enter(fn: (ex: Exports) => void): boolean {
    const ex = this.exports;
    if (!ex) return false;
    try {
      fn(ex);
      return true;
    } catch (err) {
      this.onTrap(err);
      return false;
    }
  }

  private drain(): void {
    while (this.queue.length && this.exports && !this.stopped) {
      const e = this.queue.shift()!;
      this.stats.events++;
      let ok: boolean;
      if (e.kind === "net") {
        this.current = { id: e.id, result: e.result };
        ok = this.enter((ex) => ex.fw_on_net_response(e.id, e.result.status, e.result.body.length));
        this.current = null;
      } else if (e.kind === "button") {
        this.trace({ ev: "button", button: e.button });
        ok = this.enter((ex) => ex.fw_on_button(e.button));
      } else {
        this.trace({ ev: "utterance", text: e.text });
        this.currentUtterance = utf8.encode(e.text);
        ok = this.enter((ex) => ex.fw_on_utterance(this.currentUtterance!.length));
        this.currentUtterance = null;
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

  private arm(deadline: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.deadline = deadline;
    if (deadline < 0) return;
    const wait = Math.max(0, deadline - this.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      // Node may fire a timer up to a millisecond early; the firmware must
      // never see a time before the deadline it asked for.
      if (this.now() < this.deadline) return this.arm(this.deadline);
      this.tick();
    }, wait);
  }

  // ---- memory helpers ----------------------------------------------------

  private mem(): Uint8Array {
    return new Uint8Array(this.exports!.memory.buffer);
  }

  private bytes(ptr: number, len: number): Uint8Array | null {
    const m = this.mem();
    if (ptr < 0 || len < 0 || ptr + len > m.length) return null;
    return m.subarray(ptr, ptr + len);
  }

  private str(ptr: number, len: number): string | null {
    const b = this.bytes(ptr, len);
    return b ? fromUtf8.decode(b) : null;
  }

  /** Copies `src` from `offset` into firmware memory; the count, 0 at the end, EINVAL past it (boards/ABI.md). */
  private copyOut(src: Uint8Array, offset: number, ptr: number, cap: number): number {
    const dst = this.bytes(ptr, cap);
    if (!dst || offset < 0 || offset > src.length) return EINVAL;
    const part = src.subarray(Math.min(offset, src.length), Math.min(src.length, offset + cap));
    dst.set(part);
    return part.length;
  }

  // ---- the ABI -----------------------------------------------------------

  private imports(): WebAssembly.Imports {
    const p = this.profile;
    const epoch = this.epoch;
    const board = {
      display_text: (ptr: number, len: number) => {
        if (!p.text) return ENOTSUP;
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.view.display = s;
        this.trace({ ev: "display", text: s });
        return 0;
      },
      display_blit: (x: number, y: number, w: number, h: number, ptr: number, len: number) => {
        if (!p.display) return ENOTSUP;
        const bpp = p.display.format === "rgb565" ? 2 : 1;
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > p.display.width || y + h > p.display.height) return EINVAL;
        if (len !== w * h * bpp) return EINVAL;
        const px = this.bytes(ptr, len);
        if (!px) return EINVAL;
        this.onBlit?.(x, y, w, h, px, bpp);
        return 0;
      },
      led_set: (pattern: number, rgb: number, periodMs: number) => {
        if (p.leds <= 0) return ENOTSUP;
        if (pattern < 0 || pattern > 4 || periodMs < 0) return EINVAL;
        this.view.led = { pattern, rgb: rgb >>> 0, periodMs };
        this.trace({ ev: "led", pattern: LED_PATTERNS[pattern], rgb: "#" + (rgb >>> 0).toString(16).padStart(6, "0"), periodMs });
        return 0;
      },
      audio_say: (ptr: number, len: number) => {
        if (!p.speaker) return ENOTSUP;
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.view.said.push(s);
        if (this.view.said.length > 200) this.view.said.shift();
        this.trace({ ev: "say", text: s });
        return 0;
      },
      state_set: (ptr: number, len: number) => {
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.view.state = s;
        this.trace({ ev: "state", state: s });
        return 0;
      },
      log: (level: number, ptr: number, len: number) => {
        if (level < 0 || level >= LOG_LEVELS.length) return EINVAL;
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.trace({ ev: "log", level: LOG_LEVELS[level], text: s });
        return 0;
      },
      clock_monotonic_ms: () => BigInt(this.now()),
      clock_wall_s: () => BigInt(Math.max(0, Math.floor(this.opts.wallClock ? this.opts.wallClock() : Date.now() / 1000))),
      board_cap: (id: number) => boardCap(p, id, this.opts.sealer.overhead),
      config_len: (kind: number) => {
        const c = this.configBytes(kind);
        return c ? c.length : ENOENT;
      },
      config_read: (kind: number, offset: number, ptr: number, cap: number) => {
        const c = this.configBytes(kind);
        if (!c) return ENOENT;
        return this.copyOut(c, offset, ptr, cap);
      },
      net_request: (mp: number, ml: number, up: number, ul: number, hp: number, hl: number, bp: number, bl: number, timeoutMs: number) => {
        const method = this.str(mp, ml), url = this.str(up, ul), headers = this.str(hp, hl);
        const body = this.bytes(bp, bl);
        if (method === null || url === null || headers === null || body === null) return EINVAL;
        const started = this.now();
        const id = this.net.request(
          { method, url, headers, body: Buffer.from(body), timeoutMs },
          (result) => {
            if (epoch !== this.epoch || this.stopped) return; // the firmware that asked is gone
            this.trace({ ev: "net", method, url: redactUrl(url), status: result.status, ms: this.now() - started, bytes: result.body.length });
            this.enqueue({ kind: "net", id, result });
          },
        );
        if (id < 0) {
          this.trace({ ev: "net", method, url: redactUrl(url), status: id, ms: 0, refused: true });
        }
        return id;
      },
      net_read_header: (id: number, np: number, nl: number, ptr: number, cap: number) => {
        const c = this.current;
        if (!c || c.id !== id) return ENOENT;
        const name = this.str(np, nl);
        if (name === null) return EINVAL;
        const v = c.result.headers[name.toLowerCase()];
        if (v === undefined) return ENOENT;
        const b = utf8.encode(v);
        if (!this.bytes(ptr, cap)) return EINVAL;
        if (b.length > cap) return ETOOSMALL; // nothing written (boards/ABI.md, Conventions)
        return this.copyOut(b, 0, ptr, cap);
      },
      net_read_body: (id: number, offset: number, ptr: number, cap: number) => {
        const c = this.current;
        if (!c || c.id !== id) return ENOENT;
        return this.copyOut(c.result.body, offset, ptr, cap);
      },
      input_read: (ptr: number, cap: number) => {
        if (!this.currentUtterance) return ENOENT;
        return this.copyOut(this.currentUtterance, 0, ptr, cap);
      },
      storage_size: () => this.opts.flash.size,
      storage_read: (offset: number, ptr: number, len: number) => {
        const dst = this.bytes(ptr, len);
        if (!dst) return EINVAL;
        return this.opts.flash.read(offset, dst);
      },
      storage_write: (offset: number, ptr: number, len: number) => {
        const src = this.bytes(ptr, len);
        if (!src) return EINVAL;
        return this.opts.flash.write(offset, src);
      },
      seal: (ip: number, il: number, op: number, oc: number) => {
        const input = this.bytes(ip, il);
        if (!input) return EINVAL;
        const out = this.opts.sealer.seal(input);
        if (out.length > oc) return ETOOSMALL;
        return this.copyOut(out, 0, op, oc);
      },
      unseal: (ip: number, il: number, op: number, oc: number) => {
        const input = this.bytes(ip, il);
        if (!input) return EINVAL;
        const out = this.opts.sealer.unseal(input);
        if (!out) return EAUTH;
        if (out.length > oc) return ETOOSMALL;
        return this.copyOut(out, 0, op, oc);
      },
    };
    const wasi = {
      fd_write: (fd: number, iovs: number, iovsLen: number, nwritten: number) => {
        const m = this.mem();
        const dv = new DataView(m.buffer);
        let total = 0;
        for (let i = 0; i < iovsLen; i++) {
          const p = dv.getUint32(iovs + i * 8, true), l = dv.getUint32(iovs + i * 8 + 4, true);
          this.consoleLine += fromUtf8.decode(m.subarray(p, p + l));
          total += l;
        }
        let nl: number;
        while ((nl = this.consoleLine.indexOf("\n")) >= 0) {
          this.trace({ ev: "log", level: fd === 2 ? "error" : "info", text: this.consoleLine.slice(0, nl), console: true });
          this.consoleLine = this.consoleLine.slice(nl + 1);
        }
        dv.setUint32(nwritten, total, true);
        return 0;
      },
      proc_exit: (code: number) => {
        throw new ProcExit(code);
      },
      random_get: (ptr: number, len: number) => {
        const b = this.bytes(ptr, len);
        if (!b) return 28; // WASI EINVAL
        randomFillSync(b);
        return 0;
      },
      clock_time_get: (_id: number, _precision: bigint, out: number) => {
        const dv = new DataView(this.mem().buffer);
        dv.setBigUint64(out, BigInt(Date.now()) * 1000000n, true);
        return 0;
      },
    };
    return { board, wasi_snapshot_preview1: wasi };
  }

  /** Set by a renderer that wants pixels (the simulator's framebuffer). */
  onBlit: ((x: number, y: number, w: number, h: number, px: Uint8Array, bpp: number) => void) | null = null;

  private configBytes(kind: number): Uint8Array | null {
    const text = kind === 0 ? this.opts.deviceConfig : kind === 1 ? this.opts.actionTable ?? null : null;
    return text == null ? null : utf8.encode(text);
  }
}

export const LED_PATTERNS = ["off", "solid", "blink", "pulse", "spin"];
const LOG_LEVELS = ["debug", "info", "warn", "error"];

export function boardCap(p: BoardProfile, id: number, sealOverhead: number): number {
  switch (id) {
    case 1: return p.display ? p.display.width : 0;
    case 2: return p.display ? p.display.height : 0;
    case 3: return p.display ? (p.display.format === "rgb565" ? 2 : 1) : 0;
    case 4: return p.text ? p.text.cols : 0;
    case 5: return p.text ? p.text.rows : 0;
    case 6: return p.leds;
    case 7: return p.speaker ? 1 : 0;
    case 8: return sealOverhead;
    case 9: return p.netBodyCap;
    case 10: return p.deviceType === "tv" ? 2 : 1;
    default: return ENOENT;
  }
}

/** Query strings can carry codes; the trace keeps only the path. */
export function redactUrl(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q) + "?…";
}

// An in-process board for the fuzz driver and the memory-flat tests: the
// release firmware module on a virtual clock, with a scripted network whose
// answers the caller chooses. It implements the board ABI (boards/ABI.md)
// directly, synchronously and without timers, so thousands of answers go
// through the firmware's real completions (fw_on_net_response, then
// net_read_header / net_read_body) per second.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { heapBase } from "../../bench/memory.ts";

const ENOENT = -4, EINVAL = -1, EAUTH = -7, ETOOSMALL = -6;
const utf8 = new TextEncoder();
const lenient = new TextDecoder();

export type Answer = { status: number; contentType?: string; headers?: Record<string, string>; body: Uint8Array | string };
export type Request = { id: number; method: string; url: string; headers: string; body: string };

export interface BoardOptions {
  config: object;
  actionTable?: string;
  netBodyCap?: number;
  flash?: Uint8Array;
  wall?: number;
}

/** A toy sealing with an authenticity check: the store's logic needs one, the key is irrelevant here. */
function seal(b: Uint8Array): Uint8Array {
  const tag = createHash("sha256").update(b).digest().subarray(0, 8);
  const out = new Uint8Array(b.length + 8);
  out.set(b, 0);
  out.set(tag, b.length);
  return out;
}
function unseal(b: Uint8Array): Uint8Array | null {
  if (b.length < 8) return null;
  const body = b.subarray(0, b.length - 8);
  const tag = createHash("sha256").update(body).digest().subarray(0, 8);
  return Buffer.compare(Buffer.from(tag), Buffer.from(b.subarray(b.length - 8))) === 0 ? body.slice() : null;
}

const PAINT = 0xa7;
/** Top bytes the allocator writes when it starts (bench/memory.ts). */
const PAINT_TOP_SKIP = 64;

/** Paints the heap of a fresh instance (before its start function) from `base`, the end of its static data; returns `base`. */
export function paintHeap(memory: WebAssembly.Memory, base: number): number {
  const m = new Uint8Array(memory.buffer);
  const end = m.length - PAINT_TOP_SKIP;
  if (base < end) m.fill(PAINT, base, end);
  return base;
}

/**
 * Called with the point's id at each function entry and loop iteration of
 * a module built with `wasm-opt --log-execution` (bench/work.ts counts
 * the firmware's work that way); null for an ordinary module.
 */
let executionHook: ((id: number) => void) | null = null;
export function onExecution(hook: ((id: number) => void) | null): void {
  executionHook = hook;
}

let cachedModule: WebAssembly.Module | null = null;
let cachedHeapBase = 0;
export function firmwareModule(path = "build/firmware.wasm"): WebAssembly.Module {
  if (!cachedModule) {
    const bytes = readFileSync(path);
    cachedModule = new WebAssembly.Module(bytes);
    cachedHeapBase = heapBase(new Uint8Array(bytes));
  }
  return cachedModule;
}

export class FuzzBoard {
  now = 0;
  /** Everything the firmware showed, said, logged or announced, in order. */
  outputs: string[] = [];
  state = "";
  display = "";
  requests: Request[] = [];
  flash: Uint8Array;
  traps = 0;
  lastTrap = "";
  peakMemory = 0;
  private ex: any = null;
  private nextId = 1;
  private current: { id: number; answer: Answer; body: Uint8Array } | null = null;
  private utterance: Uint8Array | null = null;
  private configBytes: Uint8Array;
  private tableBytes: Uint8Array | null;
  private cap: number;

  /**
   * Heap high-water mark of the current instance, bytes of linear memory
   * (the module's memory never grows, so this is what "memory flat" means):
   * the heap is painted before the module's start function runs, and the
   * highest byte no longer holding the paint is the highest the heap has
   * used, garbage included (the method of bench/memory.ts).
   */
  get heapHighWater(): number {
    if (!this.ex) return 0;
    const m = new Uint8Array(this.ex.memory.buffer);
    for (let i = m.length - PAINT_TOP_SKIP - 1; i >= this.heapBase; i--) if (m[i] !== PAINT) return i + 1;
    return this.heapBase;
  }
  private heapBase = 0;

  constructor(private opts: BoardOptions) {
    this.flash = opts.flash ?? new Uint8Array(16384).fill(0xff);
    this.configBytes = utf8.encode(JSON.stringify(opts.config));
    this.tableBytes = opts.actionTable !== undefined ? utf8.encode(opts.actionTable) : null;
    this.cap = opts.netBodyCap ?? 16384; // every board profile's NET_BODY_CAP (boards/*.json)
  }

  get memoryBytes(): number {
    return this.ex ? this.ex.memory.buffer.byteLength : 0;
  }

  private mem(): Uint8Array { return new Uint8Array(this.ex.memory.buffer); }
  private bytes(p: number, n: number): Uint8Array { return this.mem().subarray(p, p + n); }
  private str(p: number, n: number): string { return lenient.decode(this.bytes(p, n)); }
  private copyOut(src: Uint8Array, off: number, p: number, cap: number): number {
    if (off < 0 || cap < 0) return EINVAL;
    const part = src.subarray(Math.min(off, src.length), Math.min(src.length, off + cap));
    this.mem().set(part, p);
    return part.length;
  }

  private out(kind: string, s: string): void {
    this.outputs.push(kind + ": " + s);
    if (this.outputs.length > 400) this.outputs.splice(0, 200);
  }

  /** Instantiates the module and runs fw_init; a trap here counts like any other. */
  boot(): void {
    this.requests = [];
    this.current = null;
    const b = this;
    const board = {
      display_text: (p: number, n: number) => { b.display = b.str(p, n); b.out("display", b.display); return 0; },
      display_blit: () => -2,
      led_set: () => 0,
      audio_say: (p: number, n: number) => { b.out("say", b.str(p, n)); return 0; },
      state_set: (p: number, n: number) => { b.state = b.str(p, n); b.out("state", b.state); return 0; },
      log: (_l: number, p: number, n: number) => { b.out("log", b.str(p, n)); return 0; },
      clock_monotonic_ms: () => BigInt(b.now),
      clock_wall_s: () => BigInt(b.opts.wall ?? 1800000000 + Math.floor(b.now / 1000)),
      board_cap: (id: number) => {
        switch (id) {
          case 4: return 40; case 5: return 8; case 6: return 1; case 7: return 1;
          case 8: return 8; case 9: return b.cap; case 10: return 1; default: return 0;
        }
      },
      config_len: (k: number) => (k === 0 ? b.configBytes.length : k === 1 && b.tableBytes ? b.tableBytes.length : ENOENT),
      config_read: (k: number, off: number, p: number, cap: number) => {
        const c = k === 0 ? b.configBytes : k === 1 ? b.tableBytes : null;
        return c ? b.copyOut(c, off, p, cap) : ENOENT;
      },
      net_request: (mp: number, ml: number, up: number, ul: number, hp: number, hl: number, bp: number, bl: number) => {
        const r = { id: b.nextId++, method: b.str(mp, ml), url: b.str(up, ul), headers: b.str(hp, hl), body: b.str(bp, bl) };
        b.requests.push(r);
        return r.id;
      },
      net_read_header: (id: number, np: number, nl: number, p: number, cap: number) => {
        const c = b.current;
        if (!c || c.id !== id) return ENOENT;
        const name = b.str(np, nl).toLowerCase();
        const a = c.answer;
        let v: string | undefined = name === "content-type" ? a.contentType : undefined;
        if (a.headers) for (const [k, val] of Object.entries(a.headers)) if (k.toLowerCase() === name) v = val;
        if (v === undefined) return ENOENT;
        // Header bytes as given (latin1 keeps raw bytes for hostile headers).
        const hb = Buffer.from(v, "latin1");
        b.copyOut(hb, 0, p, Math.min(cap, hb.length));
        return hb.length;
      },
      net_read_body: (id: number, off: number, p: number, cap: number) => {
        const c = b.current;
        if (!c || c.id !== id) return ENOENT;
        return b.copyOut(c.body, off, p, cap);
      },
      input_read: (p: number, cap: number) => (b.utterance ? b.copyOut(b.utterance, 0, p, cap) : ENOENT),
      storage_size: () => b.flash.length,
      storage_read: (off: number, p: number, n: number) => {
        if (off < 0 || off + n > b.flash.length) return EINVAL;
        b.mem().set(b.flash.subarray(off, off + n), p);
        return 0;
      },
      storage_write: (off: number, p: number, n: number) => {
        if (off < 0 || off + n > b.flash.length) return EINVAL;
        b.flash.set(b.bytes(p, n), off);
        return 0;
      },
      seal: (ip: number, il: number, op: number, oc: number) => {
        const s = seal(b.bytes(ip, il).slice());
        if (s.length > oc) return ETOOSMALL;
        return b.copyOut(s, 0, op, oc);
      },
      unseal: (ip: number, il: number, op: number, oc: number) => {
        const s = unseal(b.bytes(ip, il).slice());
        if (!s) return EAUTH;
        if (s.length > oc) return ETOOSMALL;
        return b.copyOut(s, 0, op, oc);
      },
    };
    const wasi = {
      fd_write: (_fd: number, iovs: number, n: number, nw: number) => {
        const dv = new DataView(b.ex.memory.buffer);
        let total = 0;
        for (let i = 0; i < n; i++) {
          const p = dv.getUint32(iovs + i * 8, true), l = dv.getUint32(iovs + i * 8 + 4, true);
          b.out("console", b.str(p, l));
          total += l;
        }
        dv.setUint32(nw, total, true);
        return 0;
      },
      proc_exit: (code: number) => { throw new Error("proc_exit " + code); },
      random_get: (p: number, n: number) => { b.mem().fill(7, p, p + n); for (let i = 0; i < n; i++) b.mem()[p + i] = (i * 73 + b.nextId * 31) & 0xff; return 0; },
      clock_time_get: (_id: number, _pr: bigint, out: number) => { new DataView(b.ex.memory.buffer).setBigUint64(out, BigInt(b.now) * 1000000n, true); return 0; },
    };
    if (executionHook) (board as any).log_execution = executionHook;
    const inst = new WebAssembly.Instance(firmwareModule(), { board, wasi_snapshot_preview1: wasi } as any);
    this.ex = inst.exports;
    this.heapBase = paintHeap(this.ex.memory, cachedHeapBase);
    try {
      this.ex._start(); // static initialisers (WASI command layout)
      this.ex.fw_init();
    } catch (e) {
      // A trap at boot: counted; the board stays with this instance (a real
      // watchdog would back off and retry; the next event tries again).
      this.traps++;
      this.lastTrap = "fw_init: " + String((e as Error).message ?? e);
      this.out("trap", this.lastTrap);
    }
  }

  /** Runs an export; a trap is counted and the module re-instantiated, as the host's watchdog does. */
  private guard(fn: () => unknown): boolean {
    try {
      fn();
      this.peakMemory = Math.max(this.peakMemory, this.memoryBytes);
      return true;
    } catch (e) {
      this.traps++;
      this.lastTrap = String((e as Error).message ?? e);
      this.out("trap", this.lastTrap);
      this.boot();
      return false;
    }
  }

  /** fw_tick at `at` (or now); returns the next deadline the firmware asked for. */
  tick(at?: number): number {
    if (at !== undefined && at > this.now) this.now = at;
    let next = -1;
    this.guard(() => { next = Number(this.ex.fw_tick(BigInt(this.now))); });
    return next;
  }

  /** Answers a request through fw_on_net_response (a negative status is a transport failure). */
  answer(req: Request, a: Answer): boolean {
    this.requests = this.requests.filter((r) => r.id !== req.id);
    const body = typeof a.body === "string" ? utf8.encode(a.body) : a.body;
    this.current = { id: req.id, answer: a, body };
    const ok = this.guard(() => this.ex.fw_on_net_response(req.id, a.status, a.status < 0 ? 0 : body.length));
    this.current = null;
    this.tick(); // boards/ABI.md §4: fw_tick always follows an fw_on_* call
    return ok;
  }

  press(button: number): boolean {
    const ok = this.guard(() => this.ex.fw_on_button(button));
    this.tick();
    return ok;
  }

  say(text: string): boolean {
    this.utterance = utf8.encode(text);
    const ok = this.guard(() => this.ex.fw_on_utterance(this.utterance!.length));
    this.utterance = null;
    this.tick();
    return ok;
  }

  /** Runs ticks until a request is pending or `limitMs` of virtual time passed. */
  runUntilRequest(limitMs = 120000): Request | null {
    const end = this.now + limitMs;
    for (let i = 0; i < 1000 && this.requests.length === 0 && this.now <= end; i++) {
      const next = this.tick();
      if (this.requests.length) break;
      if (next < 0) break;
      this.now = Math.max(this.now + 1, Math.min(next, end + 1));
    }
    return this.requests[0] ?? null;
  }
}

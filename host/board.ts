// The simulated board: the `board` imports of the ABI (boards/ABI.md) and
// the WASI calls the firmware makes, over a board profile, a flash file, a
// sealer and real HTTP. It moves bytes and keeps time; it decides nothing.
// The scheduler (scheduler.ts) owns the instance, the queue and the timer.
import { expandNote } from "./notes.ts";
import { randomFillSync } from "node:crypto";
import { BoardProfile } from "./profile.ts";
import { Flash } from "./flash.ts";
import { Sealer } from "./seal.ts";
import { HttpClient, NetRequest, NetResult } from "./net.ts";

export const EINVAL = -1, ENOTSUP = -2, EBUSY = -3, ENOENT = -4, EIO = -5, ETOOSMALL = -6, EAUTH = -7;

export const MAX_IN_FLIGHT = 4;

export type TraceEvent = { ev: string; [k: string]: unknown };

export interface BoardOptions {
  profile: BoardProfile;
  deviceConfig: string | null;
  actionTable?: string | null;
  flash: Flash;
  sealer: Sealer;
  /** Wall clock in Unix seconds; return 0 to act as a board before time sync. */
  wallClock?: () => number;
}

/** What the scheduler lends the board: the clock, the trace, and where completions go. */
export interface BoardHost {
  now(): number;
  trace(e: TraceEvent): void;
  /** Queues a completion for the firmware instance of `epoch`. */
  complete(epoch: number, id: number, result: NetResult): void;
}

export const LED_PATTERNS = ["off", "solid", "blink", "pulse", "spin"];
const LOG_LEVELS = ["debug", "info", "warn", "error"];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder("utf-8", { fatal: false });

export class ProcExit extends Error {
  constructor(public code: number) {
    super(`firmware called proc_exit(${code})`);
  }
}

export class Board {
  readonly profile: BoardProfile;
  /** What the board shows now. */
  readonly view = { state: "", display: "", led: { pattern: 0, rgb: 0, periodMs: 0 }, said: [] as string[] };
  /** Set by a renderer that wants pixels (the simulator's framebuffer). */
  onBlit: ((x: number, y: number, w: number, h: number, px: Uint8Array, bpp: number) => void) | null = null;
  /**
   * A test hook: return a negative status to make the board refuse this
   * request (as a busy radio does with EBUSY), or null to send it.
   */
  refuse: ((req: NetRequest) => number | null) | null = null;
  /** The completion being delivered (valid only inside fw_on_net_response). */
  current: { id: number; result: NetResult } | null = null;
  /** The utterance being delivered (valid only inside fw_on_utterance). */
  utterance: Uint8Array | null = null;
  private net: HttpClient;
  private memory: WebAssembly.Memory | null = null;
  private consoleLine = "";

  constructor(private opts: BoardOptions, private host: BoardHost) {
    this.profile = opts.profile;
    this.net = new HttpClient({ bodyCap: this.profile.netBodyCap, maxInFlight: MAX_IN_FLIGHT });
  }

  /** The instance's memory, once it exists. */
  attach(memory: WebAssembly.Memory | null): void {
    this.memory = memory;
  }

  abortAll(): void {
    this.net.abortAll();
  }

  // ---- memory helpers ----------------------------------------------------

  private mem(): Uint8Array {
    return new Uint8Array(this.memory!.buffer);
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

  /** Copies `src` from `offset` into firmware memory; returns the count or EINVAL. */
  private copyOut(src: Uint8Array, offset: number, ptr: number, cap: number): number {
    const dst = this.bytes(ptr, cap);
    if (!dst || offset < 0 || offset > src.length) return EINVAL;
    const part = src.subarray(Math.min(offset, src.length), Math.min(src.length, offset + cap));
    dst.set(part);
    return part.length;
  }

  private configBytes(kind: number): Uint8Array | null {
    const text = kind === 0 ? this.opts.deviceConfig : kind === 1 ? this.opts.actionTable ?? null : null;
    return text == null ? null : utf8.encode(text);
  }

  // ---- the ABI -----------------------------------------------------------

  /** The imports for the instance of `epoch`; completions for an older epoch are dropped. */
  imports(epoch: number): WebAssembly.Imports {
    const p = this.profile;
    const h = this.host;
    const trace = (e: TraceEvent) => h.trace(e);
    const board = {
      display_text: (ptr: number, len: number) => {
        if (!p.text) return ENOTSUP;
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.view.display = s;
        trace({ ev: "display", text: s });
        return 0;
      },
      display_blit: (x: number, y: number, w: number, hh: number, ptr: number, len: number) => {
        if (!p.display) return ENOTSUP;
        const bpp = p.display.format === "rgb565" ? 2 : 1;
        if (x < 0 || y < 0 || w <= 0 || hh <= 0 || x + w > p.display.width || y + hh > p.display.height) return EINVAL;
        if (len !== w * hh * bpp) return EINVAL;
        const px = this.bytes(ptr, len);
        if (!px) return EINVAL;
        this.onBlit?.(x, y, w, hh, px, bpp);
        return 0;
      },
      led_set: (pattern: number, rgb: number, periodMs: number) => {
        if (p.leds <= 0) return ENOTSUP;
        if (pattern < 0 || pattern > 4 || periodMs < 0) return EINVAL;
        this.view.led = { pattern, rgb: rgb >>> 0, periodMs };
        trace({ ev: "led", pattern: LED_PATTERNS[pattern], rgb: "#" + (rgb >>> 0).toString(16).padStart(6, "0"), periodMs });
        return 0;
      },
      audio_say: (ptr: number, len: number) => {
        if (!p.speaker) return ENOTSUP;
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.view.said.push(s);
        if (this.view.said.length > 200) this.view.said.shift();
        trace({ ev: "say", text: s });
        return 0;
      },
      state_set: (ptr: number, len: number) => {
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        this.view.state = s;
        trace({ ev: "state", state: s });
        return 0;
      },
      log: (level: number, ptr: number, len: number) => {
        if (level < 0 || level >= LOG_LEVELS.length) return EINVAL;
        const s = this.str(ptr, len);
        if (s === null) return EINVAL;
        trace({ ev: "log", level: LOG_LEVELS[level], text: expandNote(s) });
        return 0;
      },
      clock_monotonic_ms: () => BigInt(h.now()),
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
        const started = h.now();
        const req: NetRequest = { method, url, headers, body: Buffer.from(body), timeoutMs };
        const refusal = this.refuse?.(req) ?? null;
        const id = refusal !== null && refusal < 0 ? refusal : this.net.request(req, (result) => {
          trace({ ev: "net", method, url: redactUrl(url), status: result.status, ms: h.now() - started, bytes: result.body.length });
          h.complete(epoch, id, result);
        });
        if (id < 0) trace({ ev: "net", method, url: redactUrl(url), status: id, ms: 0, refused: true });
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
        if (!this.utterance) return ENOENT;
        return this.copyOut(this.utterance, 0, ptr, cap);
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
          const ptr = dv.getUint32(iovs + i * 8, true), l = dv.getUint32(iovs + i * 8 + 4, true);
          this.consoleLine += fromUtf8.decode(m.subarray(ptr, ptr + l));
          total += l;
        }
        let nl: number;
        while ((nl = this.consoleLine.indexOf("\n")) >= 0) {
          trace({ ev: "log", level: fd === 2 ? "error" : "info", text: this.consoleLine.slice(0, nl), console: true });
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
}

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

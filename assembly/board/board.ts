// The friendly layer over the board ABI: typed wrappers that turn strings
// and byte arrays into (pointer, length) pairs. See boards/ABI.md.
import * as abi from "./imports";
import { decodeUtf8, encodeUtf8, utf8InvalidAt, writeUtf8 } from "../net/utf8";
import { Note, noteLine } from "../notes";
import { workBuffer } from "../net/buffer";

export const ABI_VERSION: i32 = 1;

export const enum Cap {
  DisplayWidth = 1,
  DisplayHeight = 2,
  DisplayFormat = 3,
  TextCols = 4,
  TextRows = 5,
  LedCount = 6,
  HasSpeaker = 7,
  SealOverhead = 8,
  NetBodyCap = 9,
  DeviceType = 10,
}

export const enum LogLevel { Debug = 0, Info = 1, Warn = 2, Error = 3 }

export const enum LedPattern { Off = 0, Solid = 1, Blink = 2, Pulse = 3, Spin = 4 }

export const enum Button { Link = 1, Unlink = 2, Action = 3 }

export const enum ConfigKind { Device = 0, Actions = 1 }

// Each text import takes the string's UTF-8 bytes as (pointer, length),
// written into one static scratch: the board copies what it keeps before
// the call returns, so a log line or a spoken answer allocates nothing.
// Text longer than the scratch gets a fresh array, which nothing frees
// before the entry ends (heap.ts collects only then).
const SCRATCH_BYTES: i32 = 1024;
const scratch = memory.data(SCRATCH_BYTES);
/** The length of the text textAt() wrote last, bytes. */
export let textLen: i32 = 0;

/** Where `s` is, as UTF-8, for one board call: at `offset` in the scratch when it fits. */
export function textAt(s: string, offset: i32 = 0): usize {
  // Text that fits even at three bytes per code unit (the most UTF-8
  // takes) is written at once; longer text is measured first.
  if (offset + s.length * 3 <= SCRATCH_BYTES) {
    textLen = writeUtf8(s, scratch + offset, false, 0, s.length);
    return scratch + offset;
  }
  const n = writeUtf8(s, 0, false, 0, s.length);
  textLen = n;
  if (offset + n > SCRATCH_BYTES) return encodeUtf8(s, false).dataStart;
  writeUtf8(s, scratch + offset, false, 0, s.length);
  return scratch + offset;
}

export function cap(id: Cap): i32 {
  return abi.board_cap(id);
}

export function displayText(text: string): i32 {
  const at = textAt(text);
  return abi.display_text(at, textLen);
}

export function displayBlit(x: i32, y: i32, w: i32, h: i32, pixels: Uint8Array): i32 {
  return abi.display_blit(x, y, w, h, pixels.dataStart, pixels.byteLength);
}

export function led(pattern: LedPattern, rgb: i32, periodMs: i32): void {
  abi.led_set(pattern, rgb, periodMs);
}

export function say(text: string): void {
  const at = textAt(text);
  abi.audio_say(at, textLen);
}

export function announceState(name: string): void {
  const at = textAt(name);
  abi.state_set(at, textLen);
}

export function log(level: LogLevel, text: string): void {
  const at = textAt(text);
  abi.log(level, at, textLen);
}

export function monotonicMs(): i64 {
  return abi.clock_monotonic_ms();
}

export function wallSeconds(): i64 {
  return abi.clock_wall_s();
}

/** Reads a whole provisioning item as bytes, or null when the board has none (or it is over maxBytes). */
export function readConfigBytes(kind: ConfigKind, maxBytes: i32): Uint8Array | null {
  const len = abi.config_len(kind);
  if (len < 0) return null;
  if (len > maxBytes) return null;
  const buf = new Uint8Array(len);
  let got = 0;
  while (got < len) {
    const n = abi.config_read(kind, got, buf.dataStart + got, len - got);
    if (n <= 0) break;
    got += n;
  }
  return got == len ? buf : buf.subarray(0, got);
}

/** Reads a whole provisioning item as strict UTF-8 text; null when absent, too large or not UTF-8 (logged). */
export function readConfig(kind: ConfigKind, maxBytes: i32): string | null {
  const b = readConfigBytes(kind, maxBytes);
  if (b === null) return null;
  const s = decodeUtf8(b, 0, b.length);
  if (s === null) log(LogLevel.Error, noteLine(Note.ConfigNotUtf8, (<i32>kind).toString() + " " + utf8InvalidAt(b, 0, b.length).toString()));
  return s;
}

/** Pulls the current utterance (valid only inside fw_on_utterance). */
export function readUtterance(len: i32, maxBytes: i32): string {
  const n = min(len, maxBytes);
  if (n <= 0) return "";
  const buf = workBuffer(n); // decoded at once: the bytes are not kept
  const got = abi.input_read(buf.dataStart, n);
  if (got <= 0) return "";
  const s = decodeUtf8(buf, 0, got);
  return s === null ? "" : s; // not UTF-8: heard as nothing ("didn't get that")
}

// The friendly layer over the board ABI: typed wrappers that turn strings
// and byte arrays into (pointer, length) pairs. See boards/ABI.md.
import * as abi from "./imports";
import { decodeUtf8, encodeUtf8, utf8InvalidAt } from "../net/utf8";
import { Note, noteLine } from "../notes";

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

// Each text import takes the string's UTF-8 bytes as (pointer, length); the
// buffer is garbage once the call returns (the board copies what it keeps).

export function cap(id: Cap): i32 {
  return abi.board_cap(id);
}

export function displayText(text: string): i32 {
  const b = encodeUtf8(text, false);
  return abi.display_text(b.dataStart, b.length);
}

export function displayBlit(x: i32, y: i32, w: i32, h: i32, pixels: Uint8Array): i32 {
  return abi.display_blit(x, y, w, h, pixels.dataStart, pixels.byteLength);
}

export function led(pattern: LedPattern, rgb: i32, periodMs: i32): void {
  abi.led_set(pattern, rgb, periodMs);
}

export function say(text: string): void {
  const b = encodeUtf8(text, false);
  abi.audio_say(b.dataStart, b.length);
}

export function announceState(name: string): void {
  const b = encodeUtf8(name, false);
  abi.state_set(b.dataStart, b.length);
}

export function log(level: LogLevel, text: string): void {
  const b = encodeUtf8(text, false);
  abi.log(level, b.dataStart, b.length);
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
  const buf = new Uint8Array(n);
  const got = abi.input_read(buf.dataStart, n);
  if (got <= 0) return "";
  const s = decodeUtf8(buf, 0, got);
  return s === null ? "" : s; // not UTF-8: heard as nothing ("didn't get that")
}

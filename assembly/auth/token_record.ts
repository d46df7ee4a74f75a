// The persisted token record and its compact binary codec.
//
// Wire format (little-endian), version 1:
//
//   offset 0   u8   codec version (RECORD_CODEC_VERSION = 1)
//   offset 1   u8   field count N (RECORD_FIELD_COUNT = 9 in version 1)
//   offset 2   N fields, each: u32 length, then `length` bytes
//
// Fields, in this order:
//   0 accessToken     UTF-8
//   1 refreshToken    UTF-8 ("" = the provider issued none)
//   2 tokenType       UTF-8
//   3 scope           UTF-8
//   4 issuer          UTF-8
//   5 clientId        UTF-8
//   6 expiresAtWall   8 bytes, i64 unix seconds (0 = unknown)
//   7 lifetimeS       4 bytes, i32 seconds (0 = unknown)
//   8 obtainedAtWall  8 bytes, i64 unix seconds (0 = unknown)
//   9 flags           4 bytes, u32 (appended in revision 1.1; absent = 0)
//                     bit 0 FLAG_REFRESH_IN_FLIGHT: a refresh (RFC 6749 §6)
//                     was sent with this record's refresh token and its
//                     answer has not been stored yet.
//
// A later minor revision may append fields; a version-1 reader skips any
// field after those it knows, and a record written before revision 1.1
// (nine fields) still reads, with flags 0. A different codec version byte means a layout this
// reader does not know, and is rejected.
//
// decodeRecord never traps: truncated input, lengths beyond the input,
// numeric fields of the wrong size, invalid UTF-8 and trailing bytes all
// give null. Strings are written as strict UTF-8; an unpaired UTF-16
// surrogate in a field (never present in a real token) is written as
// U+FFFD, so only such a field does not round-trip exactly.

import { putU32, getU32, putI64, getI64 } from "./le";
import { decodeUtf8, encodeUtf8, utf8InvalidAt, writeUtf8 } from "../net/utf8";

export const RECORD_CODEC_VERSION: u8 = 1;
/** Fields written by this revision; records with RECORD_MIN_FIELDS (9) still read. */
export const RECORD_FIELD_COUNT: u8 = 10;
export const RECORD_MIN_FIELDS: u8 = 9;
/** Flag bit: a refresh was in flight when this record was last written. */
export const FLAG_REFRESH_IN_FLIGHT: u32 = 1;

/** Bytes as text, strict UTF-8 ("" when invalid); VSCHAR tokens (RFC 6749 Appendix A.12) are ASCII. */
export function textOf(b: Uint8Array, start: i32 = 0, end: i32 = -1): string {
  const s = decodeUtf8(b, start, end);
  return s !== null ? s : "";
}

/** `s` as UTF-8 bytes (an unpaired surrogate as U+FFFD). */
export function bytesOf(s: string): Uint8Array {
  return encodeUtf8(s, true);
}

export class TokenRecord {
  /**
   * The access token as UTF-8 bytes: a 6 KiB JWT costs 6 KiB here, not the
   * 12 KiB of a UTF-16 string. `accessToken` makes the text when needed.
   */
  access: Uint8Array = new Uint8Array(0);
  get accessToken(): string { return textOf(this.access); }
  set accessToken(s: string) { this.access = bytesOf(s); }
  /** "" = none: some providers issue no refresh token. */
  refreshToken: string = "";
  tokenType: string = "";
  scope: string = "";
  issuer: string = "";
  clientId: string = "";
  /** Wall-clock expiry, unix seconds; 0 = unknown. */
  expiresAtWall: i64 = 0;
  /** `expires_in` as issued, seconds; 0 = unknown. */
  lifetimeS: i32 = 0;
  /** Wall-clock time the token was obtained, unix seconds; 0 = unknown. */
  obtainedAtWall: i64 = 0;
  /** FLAG_* bits. */
  flags: u32 = 0;

  get refreshInFlight(): bool { return (this.flags & FLAG_REFRESH_IN_FLIGHT) != 0; }

  /** True when every field equals `other`'s. */
  equals(other: TokenRecord): bool {
    return (
      sameBytes(this.access, other.access) &&
      this.refreshToken == other.refreshToken &&
      this.tokenType == other.tokenType &&
      this.scope == other.scope &&
      this.issuer == other.issuer &&
      this.clientId == other.clientId &&
      this.expiresAtWall == other.expiresAtWall &&
      this.lifetimeS == other.lifetimeS &&
      this.obtainedAtWall == other.obtainedAtWall &&
      this.flags == other.flags
    );
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): bool {
  if (a.length != b.length) return false;
  return memory.compare(a.dataStart, b.dataStart, <usize>a.length) == 0;
}

/** Bytes a string takes in the record: strict UTF-8, an unpaired surrogate as U+FFFD (3 bytes). */
function utf8Size(s: string): i32 {
  return writeUtf8(s, 0, true, 0, s.length);
}

/** Writes `s` as UTF-8 at dst[at..]; returns the bytes written. */
function putUtf8(dst: Uint8Array, at: i32, s: string): i32 {
  if (s.length == 0) return 0;
  return writeUtf8(s, dst.dataStart + <usize>at, true, 0, s.length);
}

/** Bytes encodeRecord(r) produces. */
export function recordSize(r: TokenRecord): i32 {
  return 2 + 4 * <i32>RECORD_FIELD_COUNT + 8 + 4 + 8 + 4 +
    r.access.length + utf8Size(r.refreshToken) + utf8Size(r.tokenType) +
    utf8Size(r.scope) + utf8Size(r.issuer) + utf8Size(r.clientId);
}

function putString(out: Uint8Array, at: i32, s: string): i32 {
  const n = putUtf8(out, at + 4, s);
  putU32(out, at, <u32>n);
  return at + 4 + n;
}

/**
 * Encodes `r` in the version-1 wire format into out[0, recordSize(r)),
 * straight from the strings: no per-field copies (a 6 KiB access token is
 * written once, where it belongs). `out` must hold recordSize(r) bytes.
 */
export function encodeRecordInto(r: TokenRecord, out: Uint8Array): i32 {
  out[0] = RECORD_CODEC_VERSION;
  out[1] = RECORD_FIELD_COUNT;
  let at = 2;
  putU32(out, at, <u32>r.access.length);
  out.set<Uint8Array>(r.access, at + 4);
  at += 4 + r.access.length;
  at = putString(out, at, r.refreshToken);
  at = putString(out, at, r.tokenType);
  at = putString(out, at, r.scope);
  at = putString(out, at, r.issuer);
  at = putString(out, at, r.clientId);
  at = putNumber(out, at, 8, r.expiresAtWall);
  at = putNumber(out, at, 4, r.lifetimeS);
  at = putNumber(out, at, 8, r.obtainedAtWall);
  return putNumber(out, at, 4, r.flags);
}

/** Writes a numeric field of `size` bytes (4 or 8) holding `v`; returns the offset after it. */
function putNumber(out: Uint8Array, at: i32, size: i32, v: i64): i32 {
  putU32(out, at, <u32>size);
  if (size == 8) putI64(out, at + 4, v);
  else putU32(out, at + 4, <u32>v);
  return at + 4 + size;
}

/** Encodes `r` in the version-1 wire format. */
export function encodeRecord(r: TokenRecord): Uint8Array {
  const out = new Uint8Array(recordSize(r));
  encodeRecordInto(r, out);
  return out;
}

/** Strict UTF-8 check (RFC 3629), the one in net/utf8.ts. */
export function isValidUtf8(b: Uint8Array, start: i32, end: i32): bool {
  return utf8InvalidAt(b, start, end) < 0;
}

/** A bounded cursor over untrusted bytes; every read is checked. */
class Reader {
  pos: i32 = 0;
  ok: bool = true;
  /** false: strings are checked but not decoded (nothing is allocated for them). */
  constructor(public buf: Uint8Array, public text: bool = true) {}

  remaining(): i32 {
    return this.buf.length - this.pos;
  }

  /** Reads a field's length prefix; returns -1 (and marks failure) if the field does not fit. */
  fieldLength(): i32 {
    if (!this.ok || this.remaining() < 4) {
      this.ok = false;
      return -1;
    }
    const len = getU32(this.buf, this.pos);
    this.pos += 4;
    if (len > <u32>this.remaining()) {
      this.ok = false;
      return -1;
    }
    return <i32>len;
  }

  /** Skips a field that must be strict UTF-8; its start, or -1 (and marks failure). */
  private utf8(): i32 {
    const len = this.fieldLength();
    if (len < 0) return -1;
    const start = this.pos;
    this.pos += len;
    if (!isValidUtf8(this.buf, start, this.pos)) {
      this.ok = false;
      return -1;
    }
    return start;
  }

  string(): string {
    const start = this.utf8();
    return start < 0 || !this.text ? "" : textOf(this.buf, start, this.pos);
  }

  /** A UTF-8 field as its own bytes (a copy; checked like string()). */
  bytes(): Uint8Array {
    const start = this.utf8();
    if (start < 0 || !this.text) return new Uint8Array(0);
    return this.buf.slice(start, this.pos);
  }

  /** A numeric field of exactly `size` bytes (4 or 8); 0 (and marks failure) otherwise. */
  number(size: i32): i64 {
    if (this.fieldLength() != size) {
      this.ok = false;
      return 0;
    }
    const v = size == 8 ? getI64(this.buf, this.pos) : <i64>getU32(this.buf, this.pos);
    this.pos += size;
    return v;
  }

  skipField(): void {
    const len = this.fieldLength();
    if (len >= 0) this.pos += len;
  }
}

/** Decodes a version-1 record; null for anything that is not exactly one. */
export function decodeRecord(bytes: Uint8Array): TokenRecord | null {
  return readRecord(bytes, true);
}

/**
 * True when `bytes` is exactly one version-1 record, as decodeRecord would
 * accept it, without decoding its strings: the store checks a slot this
 * way and decodes only the record it keeps.
 */
export function checkRecord(bytes: Uint8Array): bool {
  return readRecord(bytes, false) !== null;
}

function readRecord(bytes: Uint8Array, text: bool): TokenRecord | null {
  if (bytes.length < 2) return null;
  if (bytes[0] != RECORD_CODEC_VERSION) return null;
  const count = <i32>bytes[1];
  if (count < <i32>RECORD_MIN_FIELDS) return null;

  const rd = new Reader(bytes, text);
  rd.pos = 2;
  const r = new TokenRecord();
  r.access = rd.bytes();
  r.refreshToken = rd.string();
  r.tokenType = rd.string();
  r.scope = rd.string();
  r.issuer = rd.string();
  r.clientId = rd.string();
  r.expiresAtWall = rd.number(8);
  r.lifetimeS = <i32>rd.number(4);
  r.obtainedAtWall = rd.number(8);
  if (count >= 10) r.flags = <u32>rd.number(4);
  for (let i = min(count, <i32>RECORD_FIELD_COUNT); i < count && rd.ok; i++) rd.skipField();
  if (!rd.ok || rd.pos != bytes.length) return null;
  return r;
}

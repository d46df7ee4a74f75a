// Fuzz entries: the firmware's parsers and codecs, compiled with the
// release settings (asconfig.json, target release) into one module that
// test/fuzz/run.ts drives. The driver writes an input into the buffer at
// in_ptr(), calls an entry with its length, and reads the outcome text at
// out_ptr()/out_len(). An entry returns 1 when the input was accepted, 0
// when it was refused with an error, and must never trap; a trap is a bug.
import { joinAll } from "../../assembly/net/join";
import { parseJsonBytes, JsonValue, JsonKind, jsonQuote } from "../../assembly/net/json";
import { parseFormBytes } from "../../assembly/net/form";
import { parseUrl } from "../../assembly/net/url";
import { decodeUtf8 } from "../../assembly/net/utf8";
import { TokenRecord, decodeRecord, encodeRecord } from "../../assembly/auth/token_record";
import { Flash, CopySealer, TokenStore } from "../../assembly/auth/store";

export {
  mem_in_ptr, mem_linear_bytes, mem_collect,
  mem_setup_device, mem_device, mem_setup_token, mem_token, mem_setup_refresh, mem_refresh,
  mem_setup_discovery, mem_discovery, mem_setup_action, mem_action,
} from "./memory_entries";

import { IN_CAP, input } from "./memory_entries";
let output: ArrayBuffer = new ArrayBuffer(0);

export function in_ptr(): usize { return input.dataStart; }
export function in_cap(): i32 { return IN_CAP; }
export function out_ptr(): usize { return changetype<usize>(output); }
export function out_len(): i32 { return output.byteLength; }
/** Linear memory in bytes, for the driver's memory-flat check. */
export function mem_bytes(): i32 { return <i32>memory.size() << 16; }

function take(len: i32): Uint8Array {
  const b = new Uint8Array(len);
  memory.copy(b.dataStart, input.dataStart, <usize>len);
  return b;
}

function say(s: string): void {
  output = String.UTF8.encode(s);
}

/** Canonical JSON of a value read through the public API (every member, in order; NaN numbers as null). */
function canon(v: JsonValue, parts: Array<string>): void {
  if (v.kind == JsonKind.Null) parts.push("null");
  else if (v.kind == JsonKind.Bool) parts.push(v.bool ? "true" : "false");
  else if (v.kind == JsonKind.Number) {
    const n = v.num;
    parts.push(isNaN(n) ? "null" : (n == 0 ? "0" : n.toString()));
  } else if (v.kind == JsonKind.String) parts.push(jsonQuote(v.str));
  else if (v.kind == JsonKind.Array) {
    parts.push("[");
    const items = v.items;
    for (let i = 0; i < items.length; i++) {
      if (i > 0) parts.push(",");
      canon(items[i], parts);
    }
    parts.push("]");
  } else {
    parts.push("{");
    const keys = v.keys;
    const items = v.items;
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) parts.push(",");
      parts.push(jsonQuote(keys[i]));
      parts.push(":");
      // Looked up by name too, so the byte scan in get() is fuzzed as well.
      const byName = v.get(keys[i]);
      if (byName === null) { parts.push("\"<get() lost a member>\""); continue; }
      canon(items[i], parts);
    }
    parts.push("}");
  }
}

export function fuzz_json(len: i32): i32 {
  const r = parseJsonBytes(take(len));
  let ok = 0;
  if (r.ok) {
    const parts = new Array<string>();
    canon(r.value!, parts);
    say(joinAll(parts));
    ok = 1;
  } else {
    say(r.error);
  }
  __collect();
  return ok;
}

export function fuzz_form(len: i32): i32 {
  const f = parseFormBytes(take(len));
  let ok = 0;
  if (f !== null) {
    const parts = new Array<string>();
    const keys = f.keys;
    for (let i = 0; i < keys.length; i++) {
      parts.push(jsonQuote(keys[i]));
      parts.push(jsonQuote(f.items[i].str));
    }
    say("[" + joinAll(parts, ",") + "]");
    ok = 1;
  } else say("refused");
  __collect();
  return ok;
}

export function fuzz_url(len: i32): i32 {
  const s = decodeUtf8(take(len), 0, -1);
  let ok = 0;
  if (s !== null) {
    const u = parseUrl(s!);
    if (u.valid) {
      say(jsonQuote(u.scheme) + " " + jsonQuote(u.host) + " " + jsonQuote(u.port));
      ok = 1;
    } else say("refused");
  } else say("not UTF-8");
  __collect();
  return ok;
}

/** Token record codec: decode never traps; what decodes re-encodes and decodes to the same record. */
export function fuzz_record(len: i32): i32 {
  const r = decodeRecord(take(len));
  let ok = 0;
  if (r !== null) {
    const again = decodeRecord(encodeRecord(r));
    if (again === null || !again.equals(r)) say("round trip changed the record");
    else { say("ok"); ok = 1; }
  } else say("refused");
  __collect();
  return ok;
}

class MemFlash extends Flash {
  constructor(public data: Uint8Array) { super(); }
  size(): i32 { return this.data.length; }
  read(offset: i32, dst: Uint8Array): i32 {
    if (offset < 0 || offset + dst.length > this.data.length) return -2;
    memory.copy(dst.dataStart, this.data.dataStart + <usize>offset, <usize>dst.length);
    return 0;
  }
  write(offset: i32, src: Uint8Array): i32 {
    if (offset < 0 || offset + src.length > this.data.length) return -2;
    memory.copy(this.data.dataStart + <usize>offset, src.dataStart, <usize>src.length);
    return 0;
  }
}

/** XOR "sealing" with a length check: enough for the store's logic; real sealing is the board's. */
class XorSealer extends CopySealer {
  seal(plain: Uint8Array): Uint8Array | null {
    const out = new Uint8Array(plain.length + 1);
    for (let i = 0; i < plain.length; i++) out[i] = plain[i] ^ 0x5a;
    out[plain.length] = <u8>(plain.length & 0xff);
    return out;
  }
  unseal(sealed: Uint8Array): Uint8Array | null {
    if (sealed.length < 1 || sealed[sealed.length - 1] != <u8>((sealed.length - 1) & 0xff)) return null;
    const out = new Uint8Array(sealed.length - 1);
    for (let i = 0; i < out.length; i++) out[i] = sealed[i] ^ 0x5a;
    return out;
  }
}

/**
 * Flash store: the input is XORed over a flash image holding two valid
 * slots (so flips land in headers, sealed payloads and CRCs alike), or, when
 * longer than the image, used as the whole region. Loading never traps;
 * whatever loads is a record the codec accepts; a save after it loads back.
 */
export function fuzz_store(len: i32): i32 {
  const IMAGE: i32 = 2048;
  let data: Uint8Array;
  if (len > IMAGE) {
    data = take(len);
  } else {
    data = new Uint8Array(IMAGE);
    data.fill(0xff);
    const seedStore = new TokenStore(new MemFlash(data), new XorSealer());
    const r = new TokenRecord();
    r.accessToken = "AT-first";
    r.refreshToken = "RT-first";
    r.issuer = "https://as.example";
    seedStore.save(r);
    r.accessToken = "AT-second";
    seedStore.save(r);
    const mask = take(len);
    for (let i = 0; i < len; i++) data[i] ^= mask[i];
  }
  const flash = new MemFlash(data);
  const store = new TokenStore(flash, new XorSealer());
  const rec = store.load();
  const ok = rec !== null ? 1 : 0;
  if (rec !== null && decodeRecord(encodeRecord(rec)) === null) { say("loaded a record the codec refuses"); __collect(); return 2; }
  if (store.capacity() > 64) {
    const r = rec !== null ? rec : new TokenRecord();
    r.accessToken = "fuzz";
    if (store.save(r) == 0) {
      const back = new TokenStore(flash, new XorSealer()).load();
      if (back === null || !back.equals(r)) { say("saved record does not load back"); __collect(); return 2; }
    }
  }
  say(ok ? "loaded" : "empty");
  __collect();
  return ok;
}

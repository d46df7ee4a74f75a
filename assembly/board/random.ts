// The board's random source: WASI random_get, called directly, for the seed
// of backoff jitter and the backend session ids. The shim's
// crypto.getRandomValues does the same call but turns an error into an
// exception with the errno's name, which links in the whole errno name
// table (about 3.5 KB) for a call that boards answer with 0.
import { uuidV4 } from "../actions/request";

@external("wasi_snapshot_preview1", "random_get")
declare function random_get(ptr: usize, len: usize): u16;

/** Fills `buf` with cryptographically random bytes; false when the board refused (buf is then zeroed). */
export function randomFill(buf: Uint8Array): bool {
  if (random_get(buf.dataStart, <usize>buf.length) == 0) return true;
  buf.fill(0);
  return false;
}

/** A non-zero seed (xorshift's fixed point is 0). */
export function randomSeed(): u32 {
  const b = new Uint8Array(4);
  randomFill(b);
  return load<u32>(b.dataStart) | 1; // the four bytes, little-endian
}

/** A fresh RFC 4122 version-4 session id. */
export function randomSessionId(): string {
  const bytes = new Uint8Array(16);
  randomFill(bytes);
  return uuidV4(bytes);
}

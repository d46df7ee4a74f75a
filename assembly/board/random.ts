// The board's random source: WASI random_get, called directly. The shim's
// crypto.getRandomValues does the same call but turns an error into an
// exception with the errno's name, which links in the whole errno name
// table (about 3.5 KB) for a call that boards answer with 0.
@external("wasi_snapshot_preview1", "random_get")
declare function random_get(ptr: usize, len: usize): u16;

/** Fills `buf` with cryptographically random bytes; false when the board refused (buf is then zeroed). */
export function randomFill(buf: Uint8Array): bool {
  if (random_get(buf.dataStart, <usize>buf.length) == 0) return true;
  buf.fill(0);
  return false;
}

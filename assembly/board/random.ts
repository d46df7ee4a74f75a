// Randomness from the board (WASI random_get through the shim): the seed
// for backoff jitter and the backend session ids.
import { uuidV4 } from "../actions/request";

/** A non-zero seed (xorshift's fixed point is 0). */
export function randomSeed(): u32 {
  const b = new Uint8Array(4);
  crypto.getRandomValues(b);
  return (<u32>b[0] | (<u32>b[1] << 8) | (<u32>b[2] << 16) | (<u32>b[3] << 24)) | 1;
}

/** A fresh RFC 4122 version-4 session id. */
export function randomSessionId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return uuidV4(bytes);
}

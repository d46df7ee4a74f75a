// Just enough of JWT (RFC 7519) to read an access token's `exp` when the
// token endpoint omits expires_in. The signature is not checked: the device
// is the token's holder, not its audience, and uses `exp` only to schedule
// a refresh earlier, never to trust anything.
import { parseJsonBytes } from "../net/json";

function b64urlValue(c: i32): i32 {
  if (c >= 0x41 && c <= 0x5a) return c - 0x41;
  if (c >= 0x61 && c <= 0x7a) return c - 0x61 + 26;
  if (c >= 0x30 && c <= 0x39) return c - 0x30 + 52;
  if (c == 0x2d) return 62;
  if (c == 0x5f) return 63;
  return -1;
}

/** base64url without padding (RFC 4648 §5); null on any other character. */
export function base64UrlDecode(s: string): Uint8Array | null {
  if (s.length % 4 == 1) return null;
  const out = new Uint8Array((s.length * 3) >> 2);
  let acc: u32 = 0, bits = 0, n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = b64urlValue(s.charCodeAt(i));
    if (v < 0) return null;
    acc = (acc << 6) | <u32>v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = <u8>((acc >> bits) & 0xff);
    }
  }
  return out.subarray(0, n);
}

/** The `exp` claim (Unix seconds) of a JWS compact token, or 0 when it is not a JWT or has none. */
export function jwtExpiry(token: string): i64 {
  const a = token.indexOf(".");
  if (a <= 0) return 0;
  const b = token.indexOf(".", a + 1);
  if (b <= a + 1 || token.indexOf(".", b + 1) >= 0) return 0;
  if (b - a > 8192) return 0;
  const payload = base64UrlDecode(token.substring(a + 1, b));
  if (payload === null) return 0;
  const r = parseJsonBytes(payload); // strict UTF-8 in place (RFC 7519 §7.2 step 8)
  if (!r.ok || !r.value!.isObject()) return 0;
  const exp = r.value!.getNumber("exp");
  if (isNaN(exp) || exp <= 0 || exp > 32503680000) return 0; // beyond year 3000: not a time
  return <i64>exp;
}

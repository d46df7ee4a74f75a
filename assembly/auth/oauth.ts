// OAuth 2.0 token endpoint answers (RFC 6749 §5.1 success, §5.2 error),
// shared by the device flow (RFC 8628 §3.5) and refresh (RFC 6749 §6).
import { asciiLower } from "../text/case";
import { JsonValue } from "../net/json";
import { textOf, bytesOf } from "./token_record";
import { cleanText, isVisibleAscii, numberField } from "../net/http";
import { Fault, fault } from "../faults";
// RFC 6749 Appendix A.12/A.17: tokens are VSCHAR (%x20-7E).

export class OAuthError {
  code: string = "";
  description: string = "";
  /** A server-given interval (RFC 8628 §3.5 slow_down may carry one), seconds or NaN. */
  interval: f64 = NaN;
}

/** The §5.2 error in a body, or null. Providers send it with 400, 401 or even 200 (GitHub). */
export function oauthError(obj: JsonValue | null): OAuthError | null {
  if (obj === null) return null;
  const code = obj.getString("error");
  if (code === null) return null;
  const e = new OAuthError();
  // The code is an ASCII token (RFC 6749 §5.2: %x20-21 / %x23-5B / %x5D-7E);
  // anything else is shown cleaned, never trusted as markup.
  e.code = cleanText(code, 64);
  // An empty (or all-control) code still names a failure: never an empty reason.
  if (e.code.length == 0) e.code = "unnamed_error";
  const d = obj.getString("error_description");
  if (d !== null) e.description = cleanText(d, 120);
  e.interval = numberField(obj, "interval");
  return e;
}

/** Every byte is visible ASCII or space (%x20-7E). */
function isVisibleAsciiBytes(b: Uint8Array): bool {
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

export class TokenSet {
  /** The access token's bytes (VSCHAR, so one byte per character); see TokenRecord.access. */
  access: Uint8Array = new Uint8Array(0);
  get accessToken(): string { return textOf(this.access); }
  set accessToken(s: string) { this.access = bytesOf(s); }
  refreshToken: string = "";
  tokenType: string = "";
  scope: string = "";
  /** Lifetime in seconds as issued; 0 when the server did not say. */
  expiresIn: i32 = 0;
}

/** Longest access or refresh token kept: a 6 KiB JWT fits with room, and the record still fits an 8 KiB slot of the minimum storage (boards/ABI.md, section 9). */
export const TOKEN_MAX_CHARS: i32 = 8192;

/**
 * Reads an RFC 6749 §5.1 success body into `t`. Returns "" or a fault, which
 * names the field, never its value; after a fault `t` is not to be used.
 */
export function readTokens(obj: JsonValue, t: TokenSet): string {
  const at = obj.get("access_token");
  if (at === null) return fault(Fault.AnswerMissing, "access_token");
  if (!at.isString()) return fault(Fault.AnswerNotString, "access_token");
  // Read as bytes: VSCHAR is ASCII, so bytes are characters, and no UTF-16 copy is made.
  const access = at.utf8();
  if (access.length == 0 || access.length > TOKEN_MAX_CHARS || !isVisibleAsciiBytes(access)) return fault(Fault.AnswerBadText, "access_token");
  const tt = obj.getString("token_type");
  // §5.1: token_type is REQUIRED; this device only speaks RFC 6750 bearer.
  if (tt === null) return fault(Fault.AnswerMissing, "token_type");
  if (asciiLower(tt) != "bearer") return fault(Fault.TokenTypeUnsupported, cleanText(tt, 20));
  t.access = access;
  t.tokenType = "Bearer";
  const rt = obj.get("refresh_token");
  if (rt !== null) {
    if (!rt.isString() || rt.str.length > TOKEN_MAX_CHARS || !isVisibleAscii(rt.str)) return fault(Fault.AnswerBadText, "refresh_token");
    t.refreshToken = rt.str;
  }
  const scope = obj.get("scope");
  if (scope !== null && scope.isString()) t.scope = cleanText(scope.str, 256);
  if (obj.has("expires_in")) {
    const e = numberField(obj, "expires_in");
    // A lifetime must be a positive number of seconds; ten years bounds it.
    if (isNaN(e) || e <= 0 || e > 315360000) return fault(Fault.AnswerOutOfRange, "expires_in");
    t.expiresIn = <i32>Math.floor(e);
  }
  return "";
}

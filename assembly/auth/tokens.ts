// Token lifecycle: when to refresh (RFC 6749 §6), what to do with the
// answer, and the order that keeps a rotated refresh token safe.
//
// Pure logic like the device flow: `check(now)` says what to do, the
// caller sends `request`, hands the answer to `onResponse`, persists
// `pending` when asked and calls `commit` only after the flash write
// succeeded. Until then the old tokens stay in use.
import { DeviceConfig } from "./config";
import { Rng, retryDelay } from "./backoff";
import { TokenSet, oauthError, readTokens } from "./oauth";
import { TokenRecord, FLAG_REFRESH_IN_FLIGHT } from "./token_record";
import { jwtExpiry } from "./jwt";
import { HttpRequest, HttpResponse, parseBody } from "../net/http";
import { Fault, fault } from "../faults";

export const enum TokenState {
  None = 0,
  Linked = 1,
  Refreshing = 2,
  /** The access token expired and no refresh has succeeded yet: reconnecting. */
  Expired = 3,
}

/** What the caller must do after check() or onResponse(). */
export const enum TokenAction {
  Nothing = 0,
  /** Send `request` (a refresh). */
  Send = 1,
  /** Persist `pending`, then call commit() (rotation order, DESIGN.md). */
  Persist = 2,
  /** The link is gone (invalid_grant): wipe the store, go to unlinked, say `reason`. */
  Unlink = 3,
  /** The access token expired and there is no refresh token: link again. */
  Relink = 4,
}

// Refresh when 80% of the lifetime has passed or 5 minutes before expiry,
// whichever is earlier, but never before half the lifetime (so a short-lived
// token is not refreshed continuously), minus up to 5% of the lifetime as
// jitter so a fleet does not refresh in step.
export const REFRESH_AT_FRACTION: f64 = 0.8;
export const REFRESH_MARGIN_MS: i64 = 300000;
export const REFRESH_FLOOR_FRACTION: f64 = 0.5;
export const REFRESH_JITTER_FRACTION: f64 = 0.05;
export const REFRESH_BACKOFF_BASE_MS: i64 = 1000;
export const REFRESH_BACKOFF_CAP_MS: i64 = 60000;
export const REFRESH_TIMEOUT_MS: i32 = 10000;

/**
 * Said when the first refresh after a reboot gets invalid_grant and the
 * stored record shows a refresh was in flight when the device stopped: the
 * server most likely rotated the refresh token (RFC 6749 §6, §10.4) and the
 * new one never reached flash. No write order closes that window against a
 * server that revokes the grant on reuse of a spent token; the device can
 * at least say what happened.
 */
export const REASON_POWER_CUT_DURING_REFRESH = "A power cut during a token refresh ended the link.";
export const REASON_LINK_REVOKED = "The link was revoked or has expired.";

/** Refresh deadline offset from `obtained` for a token of `lifetimeMs`, before jitter. */
export function refreshOffset(lifetimeMs: i64): i64 {
  let at = <i64>(<f64>lifetimeMs * REFRESH_AT_FRACTION);
  const margin = lifetimeMs - REFRESH_MARGIN_MS;
  if (margin < at) at = margin;
  const floor = <i64>(<f64>lifetimeMs * REFRESH_FLOOR_FRACTION);
  if (at < floor) at = floor;
  return at;
}

export class TokenLifecycle {
  state: TokenState = TokenState.None;
  record: TokenRecord | null = null;
  /** A record to persist before it is used (after a refresh). */
  pending: TokenRecord | null = null;
  /** The refresh request to send, valid after check() returned Send. */
  request: HttpRequest | null = null;
  /** Why the link ended or why refreshing waits (never holds a secret). */
  reason: string = "";
  /** Monotonic ms at which the access token expires; -1 when unknown. */
  expiresAtMs: i64 = -1;
  /** Monotonic ms at which to refresh; -1 when none is planned. */
  refreshAtMs: i64 = -1;
  refreshes: i32 = 0;
  private inFlight: bool = false;
  private failures: i32 = 0;
  /** The record loaded at boot said a refresh was in flight when the device stopped. */
  interruptedRefresh: bool = false;

  constructor(private cfg: DeviceConfig, private rng: Rng) {}

  get hasRefreshToken(): bool {
    return this.record !== null && this.record!.refreshToken.length > 0;
  }

  get refreshing(): bool {
    return this.inFlight;
  }

  /** The access token when it may be used now, else "". Made as text on each call (see usable()). */
  accessToken(now: i64): string {
    if (!this.usable(now)) return "";
    return this.record!.accessToken;
  }

  /** The access token's bytes when it may be used now, else empty; no copy. */
  accessBytes(now: i64): Uint8Array {
    return this.usable(now) ? this.record!.access : new Uint8Array(0);
  }

  /** True when there is an access token that may be used now; allocates nothing. */
  usable(now: i64): bool {
    if (this.record === null || this.state == TokenState.None || this.state == TokenState.Expired) return false;
    if (this.expiresAtMs >= 0 && now >= this.expiresAtMs) return false;
    return this.record!.access.length > 0;
  }

  /** A record built from a token answer, judged against the wall clock when known. */
  recordFrom(t: TokenSet, wall: i64, previous: TokenRecord | null): TokenRecord {
    const r = new TokenRecord();
    r.access = t.access;
    // RFC 6749 §6: the server MAY issue a new refresh token; if it does not, the old one stays valid.
    r.refreshToken = t.refreshToken.length > 0 ? t.refreshToken : (previous !== null ? previous.refreshToken : "");
    r.tokenType = t.tokenType;
    r.scope = t.scope.length > 0 ? t.scope : (previous !== null ? previous.scope : "");
    r.issuer = this.cfg.issuer;
    r.clientId = this.cfg.clientId;
    r.lifetimeS = t.expiresIn;
    r.obtainedAtWall = wall;
    if (t.expiresIn > 0) {
      r.expiresAtWall = wall > 0 ? wall + <i64>t.expiresIn : 0;
    } else {
      // No expires_in: a JWT access token still says when it ends.
      const exp = jwtExpiry(t.accessToken);
      r.expiresAtWall = exp;
      if (exp > 0 && wall > 0 && exp > wall) r.lifetimeS = <i32>min<i64>(exp - wall, 315360000);
    }
    return r;
  }

  /**
   * Takes a record into use. `fresh` is true right after the server issued
   * it (its lifetime starts now); false for a record loaded from flash,
   * whose age is judged by the wall clock when the board knows it.
   */
  adopt(r: TokenRecord, now: i64, wall: i64, fresh: bool): void {
    this.interruptedRefresh = !fresh && r.refreshInFlight;
    this.record = r;
    this.pending = null;
    this.inFlight = false;
    this.failures = 0;
    this.reason = "";
    this.state = TokenState.Linked;
    this.expiresAtMs = -1;
    this.refreshAtMs = -1;
    let lifetimeMs: i64 = <i64>r.lifetimeS * 1000;
    let leftMs: i64 = -1;
    const byWall = r.expiresAtWall > 0 && wall > 0;
    if (fresh && lifetimeMs > 0) {
      leftMs = lifetimeMs;
    } else if (byWall) {
      leftMs = (r.expiresAtWall - wall) * 1000;
    } else if (!fresh && (lifetimeMs > 0 || r.expiresAtWall > 0)) {
      // Stored with an expiry, but the board does not know the time yet:
      // the token is of unknown age, so refresh before its first use.
      this.refreshAtMs = now;
      return;
    }
    if (leftMs < 0) {
      if (byWall) {
        // Already expired by the wall clock.
        this.expiresAtMs = now;
        this.refreshAtMs = now;
      }
      // Otherwise the lifetime is unknown: use it until the backend says 401.
      return;
    }
    this.expiresAtMs = now + leftMs;
    if (lifetimeMs <= 0) lifetimeMs = leftMs;
    const offsetFromStart = refreshOffset(lifetimeMs);
    const jitter = <i64>this.rng.below(<u32>max<i64>(1, <i64>(<f64>lifetimeMs * REFRESH_JITTER_FRACTION)));
    // For a stored record, its lifetime started (lifetime − left) ago.
    const startedAt = now - (lifetimeMs - leftMs);
    let at = startedAt + offsetFromStart - jitter;
    if (at < now) at = now;
    this.refreshAtMs = this.hasRefreshToken ? at : -1;
  }

  /** Forgets the tokens (after a wipe). */
  clear(reason: string): void {
    this.record = null;
    this.pending = null;
    this.request = null;
    this.inFlight = false;
    this.state = TokenState.None;
    this.expiresAtMs = -1;
    this.refreshAtMs = -1;
    this.reason = reason;
  }

  /** RFC 6750 §3.1: the backend said invalid_token; refresh at once (single-flight). */
  refreshNow(now: i64): void {
    if (this.record === null) return;
    if (!this.hasRefreshToken) {
      this.expiresAtMs = now;
      return;
    }
    if (!this.inFlight) this.refreshAtMs = now;
  }

  nextDeadline(): i64 {
    if (this.record === null || this.pending !== null) return -1;
    let next = this.inFlight ? -1 : this.refreshAtMs;
    if (this.state == TokenState.Linked && this.expiresAtMs >= 0 && (next < 0 || this.expiresAtMs < next)) next = this.expiresAtMs;
    return next;
  }

  check(now: i64): TokenAction {
    if (this.record === null || this.pending !== null) return TokenAction.Nothing;
    if (this.state == TokenState.Linked && this.expiresAtMs >= 0 && now >= this.expiresAtMs) {
      if (!this.hasRefreshToken) return TokenAction.Relink;
      this.state = TokenState.Expired;
    }
    if (this.inFlight || this.refreshAtMs < 0 || now < this.refreshAtMs || !this.hasRefreshToken) return TokenAction.Nothing;
    this.inFlight = true;
    this.refreshes++;
    if (this.state == TokenState.Linked) this.state = TokenState.Refreshing;
    // RFC 6749 §6: grant_type=refresh_token, refresh_token; a public client identifies itself with client_id (§3.2.1).
    this.request = this.cfg.tokenRequest("refresh_token", "refresh_token", this.record!.refreshToken, REFRESH_TIMEOUT_MS);
    return TokenAction.Send;
  }

  onResponse(resp: HttpResponse, now: i64, wall: i64): TokenAction {
    if (!this.inFlight || this.record === null) return TokenAction.Nothing;
    this.inFlight = false;
    this.request = null;
    const obj = resp.status >= 0 ? parseBody(resp) : null;
    const err = oauthError(obj);
    if (err !== null && resp.status >= 400 && resp.status < 500 && resp.status != 429) {
      if (err.code == "invalid_grant") {
        // §5.2: the refresh token is invalid, expired or revoked: the link is gone.
        this.reason = this.interruptedRefresh ? REASON_POWER_CUT_DURING_REFRESH : REASON_LINK_REVOKED;
        return TokenAction.Unlink;
      }
      if (err.code == "invalid_client" || err.code == "unauthorized_client") {
        this.reason = fault(Fault.ClientRejected, err.code);
        return TokenAction.Unlink;
      }
    }
    if (resp.status == 200 && obj !== null && err === null) {
      const t = new TokenSet();
      const why = readTokens(obj, t);
      if (why.length == 0) {
        // Rotation: persist the new refresh token before the new access token is used.
        this.pending = this.recordFrom(t, wall, this.record);
        this.failures = 0;
        return TokenAction.Persist;
      }
      this.reason = why;
    } else if (err !== null) {
      this.reason = fault(Fault.RefreshRefused, err.code);
    } else {
      this.reason = fault(Fault.RefreshFailed, resp.status.toString());
    }
    // Transient (or unexplained) failure: retry with capped backoff until it works;
    // the refresh token is still good.
    this.failures++;
    this.refreshAtMs = now + retryDelay(resp, this.failures, REFRESH_BACKOFF_BASE_MS, REFRESH_BACKOFF_CAP_MS, 0, this.rng);
    if (this.state == TokenState.Refreshing) this.state = TokenState.Linked;
    if (this.expiresAtMs >= 0 && now >= this.expiresAtMs) this.state = TokenState.Expired;
    return TokenAction.Nothing;
  }

  /**
   * The record to write before the refresh in `request` is sent, marked
   * refresh-in-flight, or null when flash already says so. Writing it costs
   * one flash write per refresh and lets the device, after a power cut,
   * tell a lost rotation from a revoked link.
   */
  inFlightMark(): TokenRecord | null {
    const r = this.record;
    if (r === null || r.refreshInFlight) return null;
    // Marked in place: the record in use is the one flash is about to hold.
    r.flags |= FLAG_REFRESH_IN_FLIGHT;
    return r;
  }

  /** The pending record reached flash: use it. */
  commit(now: i64, wall: i64): void {
    const r = this.pending;
    if (r === null) return;
    this.adopt(r, now, wall, true);
  }
}

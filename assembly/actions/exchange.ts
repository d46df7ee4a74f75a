// The voice-action exchange with the backend, as a pure controller shaped
// like DeviceFlow. One action in flight at a time. A 401 with
// `invalid_token` (RFC 6750 §3.1) asks for one refresh and, once a new
// access token is in use, sends the action once more; a second 401, or a
// 401 with no refresh token to try, means the service no longer accepts
// this device.
import { HttpRequest, HttpResponse, NET_BODY_TOO_LARGE, NET_TIMEOUT, bearerError, describeStatus } from "../net/http";
import { Fault, fault } from "../faults";
import { Match } from "./table";
import { buildActionRequestBytes, parseActionResponse } from "./request";
import { encodeUtf8 } from "../net/utf8";
import { workBuffer } from "../net/buffer";

// RFC 6750 §2.1: the access token goes in the Authorization header.
const AUTH_PREFIX = "Authorization: Bearer ";
const AUTH_SUFFIX = "\r\nContent-Type: application/json\r\nAccept: application/json";

/**
 * The request's header lines as UTF-8 bytes: the token (6 KiB or more) is
 * copied in once, with no UTF-16 copy (net/http.ts, HttpRequest.headerBytes).
 * They go at the start of the working buffer (net/buffer.ts), the body
 * after them: the board copies both before net_request returns.
 */
function headerBytes(tok: Uint8Array): Uint8Array {
  const out = workBuffer(AUTH_PREFIX.length + tok.length + AUTH_SUFFIX.length);
  const at = putAscii(out.dataStart, AUTH_PREFIX);
  memory.copy(at, tok.dataStart, tok.length);
  putAscii(at + tok.length, AUTH_SUFFIX);
  return out;
}

/** Writes an ASCII string's bytes at `at`; returns where they end. */
function putAscii(at: usize, s: string): usize {
  const n = <usize>s.length;
  const p = changetype<usize>(s);
  for (let i: usize = 0; i < n; i++) store<u8>(at + i, load<u16>(p + (i << 1)));
  return at + n;
}

/** FNV-1a over the token's bytes: tells a new token from the one sent (a collision only means one retry fewer). */
function fingerprint(b: Uint8Array): u32 {
  let h: u32 = 0x811c9dc5;
  const p = b.dataStart;
  const n = <usize>b.length;
  for (let i: usize = 0; i < n; i++) { // in place: a JWT is 6 KiB or more
    h ^= <u32>load<u8>(p + i);
    h *= 0x01000193;
  }
  return h;
}
import { ACTION_REFRESH_WAIT_MS, ACTION_TIMEOUT_MS } from "../limits";

export const enum ExchangeState {
  Idle = 0,
  /** An action is ready to go as soon as an access token may be used. */
  Ready = 1,
  InFlight = 2,
  /** A 401 started a refresh; the action goes again once a new token is in use. */
  WaitingRefresh = 3,
}

/** What the caller must do after onResponse() or due(). */
export const enum ExchangeResult {
  Nothing = 0,
  /** The backend answered: say `speech`, show `display`. */
  Answered = 1,
  /** The action failed: say and show `speech`, log `error`. */
  Failed = 2,
  /** Refresh the access token now (the action waits for it). */
  Refresh = 3,
  /** The service no longer accepts this device: unlink locally. */
  Unauthorized = 4,
}

export const enum Failure { None = 0, Timeout = 1, TooLarge = 2, Unreachable = 3, Http = 4, Refused = 5, Unreadable = 6, RefreshGaveUp = 7 }

export class Exchange {
  state: ExchangeState = ExchangeState.Idle;
  failure: Failure = Failure.None;
  /** The backend's own words (speech and display) when it sent them. */
  speech: string = "";
  display: string = "";
  /** For the log: what was wrong, a fault (faults.ts; never a token). */
  error: string = "";
  /** The session id and whether the backend has not seen it yet (isNew). */
  sessionId: string = "";
  sessionIsNew: bool = true;
  /** Sends so far for the current action: 1, or 2 after a refresh. */
  sends: i32 = 0;
  private action: Match | null = null;
  /** Length and fingerprint of the token last sent (the token itself is not kept: it may be 12 KiB as text). */
  private sentLength: i32 = 0;
  private sentHash: u32 = 0;
  private waitUntil: i64 = -1;
  /** The last action's URL and its name: an action said again reuses it. */
  private url: string = "";
  private urlAction: string = "";

  constructor(private backend: string, private deviceType: string) {}

  get busy(): bool {
    return this.state != ExchangeState.Idle;
  }

  get actionName(): string {
    return this.action !== null ? this.action!.actionName : "";
  }

  /** A new backend session (after boot and after each new link). */
  newSession(id: string): void {
    this.sessionId = id;
    this.sessionIsNew = true;
  }

  /** Takes an action; the caller checked that none is busy. */
  start(m: Match): void {
    this.cancel();
    this.action = m;
    this.sends = 0;
    this.speech = "";
    this.display = "";
    this.error = "";
    this.failure = Failure.None;
    this.state = ExchangeState.Ready;
  }

  /** Drops the action (unlink, wipe); a late answer is ignored. */
  cancel(): void {
    this.action = null;
    this.sentLength = 0;
    this.sentHash = 0;
    this.waitUntil = -1;
    this.state = ExchangeState.Idle;
  }

  nextDeadline(): i64 {
    return this.state == ExchangeState.WaitingRefresh ? this.waitUntil : -1;
  }

  /** due() would use an access token now (an action is ready or waits for a refresh). */
  get needsToken(): bool {
    return this.state == ExchangeState.Ready || this.state == ExchangeState.WaitingRefresh;
  }

  /**
   * The request to send now, given the access token usable now ("" when
   * none) and whether a refresh is in flight. Returns null with `result`
   * Failed when the wait for a refresh ran out.
   */
  due(now: i64, token: string, refreshing: bool): HttpRequest | null {
    return this.dueBytes(now, encodeUtf8(token, false), refreshing);
  }

  /** due() with the token as its UTF-8 bytes (how the device keeps it: no text copy). */
  dueBytes(now: i64, token: Uint8Array, refreshing: bool): HttpRequest | null {
    this.result = ExchangeResult.Nothing;
    if (this.state == ExchangeState.Ready) {
      if (token.length == 0) return null;
      return this.send(token);
    }
    if (this.state != ExchangeState.WaitingRefresh) return null;
    if (!refreshing && token.length > 0 && (token.length != this.sentLength || fingerprint(token) != this.sentHash)) return this.send(token);
    if (now >= this.waitUntil) {
      this.finish(Failure.RefreshGaveUp, fault(Fault.ActionNoNewToken));
      this.result = ExchangeResult.Failed;
    }
    return null;
  }

  /** Set by due() when it ended the action. */
  result: ExchangeResult = ExchangeResult.Nothing;

  private send(tok: Uint8Array): HttpRequest {
    const m = this.action!;
    this.sentLength = tok.length;
    this.sentHash = fingerprint(tok);
    this.waitUntil = -1;
    this.sends++;
    this.state = ExchangeState.InFlight;
    const req = new HttpRequest();
    if (this.url.length == 0 || this.urlAction != m.actionName) {
      this.url = this.backend + "/" + m.actionName;
      this.urlAction = m.actionName;
    }
    req.url = this.url;
    const head = headerBytes(tok);
    req.headerBytes = head;
    req.bodyBytes = buildActionRequestBytes(m, this.sessionId, this.sessionIsNew, tok, this.deviceType, head.length);
    req.timeoutMs = ACTION_TIMEOUT_MS;
    return req;
  }

  /** `canRefresh`: the device holds a refresh token. */
  onResponse(resp: HttpResponse, now: i64, canRefresh: bool): ExchangeResult {
    if (this.state != ExchangeState.InFlight) return ExchangeResult.Nothing;
    if (resp.status == 401) {
      // RFC 6750 §3.1: invalid_token means the access token expired or was revoked.
      if (this.sends == 1 && canRefresh && bearerError(resp.wwwAuthenticate) == "invalid_token") {
        this.state = ExchangeState.WaitingRefresh;
        this.waitUntil = now + ACTION_REFRESH_WAIT_MS;
        return ExchangeResult.Refresh;
      }
      this.cancel();
      this.error = fault(Fault.ActionRejected);
      return ExchangeResult.Unauthorized;
    }
    if (resp.status > 0) this.sessionIsNew = false;
    if (resp.status != 200) {
      const s = resp.status;
      const f = s == NET_TIMEOUT ? Failure.Timeout : s == NET_BODY_TOO_LARGE ? Failure.TooLarge : s < 0 ? Failure.Unreachable : Failure.Http;
      return this.finish(f, describeStatus(s));
    }
    const r = parseActionResponse(resp.bytes);
    this.speech = r.speech;
    this.display = r.display;
    if (r.ok) {
      this.cancel();
      return ExchangeResult.Answered;
    }
    return this.finish(r.resultCode.length > 0 ? Failure.Refused : Failure.Unreadable, r.error);
  }

  private finish(f: Failure, error: string): ExchangeResult {
    this.cancel();
    this.failure = f;
    this.error = error;
    return ExchangeResult.Failed;
  }
}

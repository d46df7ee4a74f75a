// OAuth 2.0 Device Authorization Grant (RFC 8628), client side.
//
// Pure logic: the caller asks `due(now)` for a request to send, hands the
// answer to `onResponse(resp, now)`, and sleeps until `nextDeadline()`.
// Every time is monotonic milliseconds; nothing here reads a clock.
import { DeviceConfig } from "./config";
import { Rng, retryDelay } from "./backoff";
import { OAuthError, TokenSet, oauthError, readTokens } from "./oauth";
import { Form } from "../net/form";
import { HttpRequest, HttpResponse, NET_BODY_TOO_LARGE, isVisibleAscii, numberField, parseBody } from "../net/http";
import { Fault, fault } from "../faults";
import { isIpv4Literal, isLoopbackHost, parseUrl } from "../net/url";
import { JsonValue } from "../net/json";

export const enum LinkState {
  Unlinked = 0,
  RequestingCode = 1,
  AwaitingApproval = 2,
  Backoff = 3,
  Linked = 4,
  Denied = 5,
  CodeExpired = 6,
  Error = 7,
}

/** RFC 8628 §3.4: the device_code grant type. */
export const GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." */
export const DEFAULT_INTERVAL_S: i32 = 5;
/** RFC 8628 §3.5: slow_down adds 5 seconds to the interval. */
export const SLOW_DOWN_STEP_MS: i64 = 5000;
/**
 * Added to every poll deadline, a margin for timer rounding. Polls are
 * timed from when the previous answer *arrived*, not from when the previous
 * poll left: the server then sees at least interval + one round trip
 * between two polls, however the network's delay varies from one to the
 * next. The deadline is absolute (monotonic ms), so a late tick does not
 * push later polls back.
 */
export const POLL_GUARD_MS: i64 = 10;

// Bounds on what a device authorization response may say. Values outside
// them are not a server this device can work with; they end in `error`.
export const INTERVAL_MAX_S: i32 = 600;
export const EXPIRES_MAX_S: i32 = 86400;
export const USER_CODE_MAX_CHARS: i32 = 32;
export const DEVICE_CODE_MAX_CHARS: i32 = 1024;

// Connection failures: 2 s doubling to 60 s, with jitter (DESIGN.md).
export const BACKOFF_BASE_MS: i64 = 2000;
export const BACKOFF_CAP_MS: i64 = 60000;
export { RETRY_AFTER_CAP_S } from "./backoff";

export const REQUEST_TIMEOUT_MS: i32 = 10000;

const enum Phase { None, Code, Poll }

export class DeviceFlow {
  state: LinkState = LinkState.Unlinked;
  /** Why the flow stopped or waits (safe to show: never holds a secret). */
  message: string = "";
  userCode: string = "";
  verificationUri: string = "";
  verificationUriComplete: string = "";
  /** Current polling interval in ms (grows with slow_down). */
  intervalMs: i64 = <i64>DEFAULT_INTERVAL_S * 1000;
  /** Monotonic ms at which the code expires (RFC 8628 §3.2 expires_in). */
  expiresAtMs: i64 = -1;
  /** The tokens, once linked. */
  tokens: TokenSet | null = null;
  /** True when the last stop was a configuration error (§5.2), not a transient one. */
  configError: bool = false;
  polls: i32 = 0;

  private deviceCode: string = "";
  private phase: Phase = Phase.None;
  private nextAt: i64 = -1;
  private inFlight: bool = false;
  private failures: i32 = 0;
  /** NET_BODY_CAP of a poll answer the board dropped as too large; 0 = none in this flow. */
  private oversizedCap: i32 = 0;

  constructor(private cfg: DeviceConfig, private rng: Rng) {}

  /** Starts (or restarts) linking: ask for a new code now. */
  begin(now: i64): void {
    this.reset();
    this.state = LinkState.RequestingCode;
    this.phase = Phase.Code;
    this.nextAt = now;
  }

  /** Drops everything, back to `unlinked`. A response still in flight is ignored. */
  reset(): void {
    this.state = LinkState.Unlinked;
    this.message = "";
    this.userCode = "";
    this.verificationUri = "";
    this.verificationUriComplete = "";
    this.deviceCode = "";
    this.intervalMs = <i64>DEFAULT_INTERVAL_S * 1000;
    this.expiresAtMs = -1;
    this.tokens = null;
    this.configError = false;
    this.oversizedCap = 0;
    this.phase = Phase.None;
    this.nextAt = -1;
    this.inFlight = false;
    this.failures = 0;
    this.polls = 0;
  }

  /** Monotonic ms at which `due` has work, or -1. */
  nextDeadline(): i64 {
    if (this.phase == Phase.None || this.inFlight) {
      // While a poll is in flight the code can still expire.
      return this.phase == Phase.Poll ? this.expiresAtMs : -1;
    }
    if (this.phase == Phase.Poll && this.expiresAtMs >= 0 && (this.nextAt < 0 || this.expiresAtMs < this.nextAt)) {
      return this.expiresAtMs;
    }
    return this.nextAt;
  }

  /** The request to send now, if one is due. */
  due(now: i64): HttpRequest | null {
    if (this.phase == Phase.Poll && this.expiresAtMs >= 0 && now >= this.expiresAtMs && this.state != LinkState.Linked) {
      // §3.5: stop at expires_in even if the server never says expired_token.
      this.stop(LinkState.CodeExpired);
      return null;
    }
    if (this.phase == Phase.None || this.inFlight || this.nextAt < 0 || now < this.nextAt) return null;
    this.inFlight = true;
    if (this.phase == Phase.Code) return this.codeRequest();
    this.polls++;
    return this.pollRequest();
  }

  /** §3.1 device authorization request. */
  private codeRequest(): HttpRequest {
    const form = new Form();
    if (this.cfg.scope.length > 0) form.add("scope", this.cfg.scope);
    return this.cfg.post(this.cfg.deviceAuthorizationEndpoint, form, REQUEST_TIMEOUT_MS);
  }

  /** §3.4 device access token request. */
  private pollRequest(): HttpRequest {
    return this.cfg.tokenRequest(GRANT_DEVICE_CODE, "device_code", this.deviceCode, REQUEST_TIMEOUT_MS);
  }

  /**
   * §3.2 device authorization response or §3.5 device access token response.
   * Errors arrive with 400 (the RFC) or 200 (GitHub): the body decides.
   */
  onResponse(resp: HttpResponse, now: i64): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (this.phase == Phase.None) return;
    const poll = this.phase == Phase.Poll;
    const status = resp.status;
    // The board dropped a poll answer over its NET_BODY_CAP. It may have come
    // from something in between (then a retry helps, below) or from the
    // server, which then issued tokens and spent the device code: the
    // refusal that follows is explained by the limit (boards/ABI.md, Minimum sizes).
    if (poll && status == NET_BODY_TOO_LARGE) this.oversizedCap = resp.bodyCap > 0 ? resp.bodyCap : -1;
    const obj = status >= 0 ? parseBody(resp) : null;
    const err = oauthError(obj);
    const transient = status < 0 || status == 429 || status >= 500;
    if (err !== null && !transient) {
      if (poll) this.onPollError(err, now);
      else this.configFailure(Fault.CodeRefused, err);
    } else if (transient) {
      this.backoff(resp, now, poll ? Fault.TokenRetrying : Fault.CodeRetrying);
    } else if (status != 200) {
      // A 4xx without an OAuth error: the endpoint itself is wrong (a configuration error).
      this.configError = true;
      this.stop(LinkState.Error, fault(poll ? Fault.TokenHttp : Fault.CodeHttp, status.toString()));
    } else if (obj === null) {
      this.stop(LinkState.Error, fault(Fault.AnswerNotJson));
    } else if (poll) {
      const t = new TokenSet();
      const why = readTokens(obj, t);
      const ok = why.length == 0;
      this.tokens = ok ? t : null;
      this.stop(ok ? LinkState.Linked : LinkState.Error, why);
    } else {
      const why = this.acceptCode(obj, now);
      if (why.length > 0) this.stop(LinkState.Error, why);
    }
  }

  /** Ends linking in error after the flow itself succeeded (the tokens could not be kept). */
  failAfterLink(message: string): void {
    this.tokens = null;
    this.stop(LinkState.Error, message);
  }

  /** Ends the flow in `state`; `message` is a fault, given only for an error. */
  private stop(state: LinkState, message: string = ""): void {
    this.state = state;
    this.message = message;
    this.phase = Phase.None;
    this.nextAt = -1;
    this.deviceCode = "";
  }

  /**
   * Any other RFC 6749 §5.2 error is a configuration problem: retrying would
   * only repeat it, so stop. The server's description stays with its code:
   * it often names what to fix (a scope, a grant type).
   */
  private configFailure(f: Fault, e: OAuthError): void {
    let arg = e.description.length > 0 ? e.code + ": " + e.description : e.code;
    if (this.oversizedCap != 0) {
      f = Fault.RefusedOverCap;
      arg = this.oversizedCap.toString() + " " + arg;
    }
    this.configError = true;
    this.stop(LinkState.Error, fault(f, arg));
  }

  /** Waits after a transient failure: Retry-After when given, else capped backoff with jitter. */
  private backoff(resp: HttpResponse, now: i64, f: Fault): void {
    this.failures++;
    const delay = retryDelay(resp, this.failures, BACKOFF_BASE_MS, BACKOFF_CAP_MS, this.intervalMs, this.rng);
    this.state = LinkState.Backoff;
    // Shown under the code while waiting: the fault, with the status (or NET_* error) that caused the wait.
    this.message = fault(f, resp.status.toString());
    // Counted from this answer (or failure), like every poll deadline.
    this.nextAt = now + delay + (this.phase == Phase.Poll ? POLL_GUARD_MS : 0);
  }

  // §3.2 device authorization response, status 200.
  private acceptCode(obj: JsonValue, now: i64): string {
    const dc = obj.getString("device_code");
    if (dc === null || dc.length == 0) return fault(Fault.AnswerMissing, "device_code");
    if (dc.length > DEVICE_CODE_MAX_CHARS || !isVisibleAscii(dc)) return fault(Fault.AnswerBadText, "device_code");
    const uc = obj.getString("user_code");
    if (uc === null || uc.length == 0) return fault(Fault.AnswerMissing, "user_code");
    if (uc.length > USER_CODE_MAX_CHARS || !isVisibleAscii(uc)) return fault(Fault.AnswerBadText, "user_code");
    // Google spells it verification_url.
    let vu = obj.getString("verification_uri");
    if (vu === null) vu = obj.getString("verification_url");
    if (vu === null || vu.length == 0) return fault(Fault.AnswerMissing, "verification_uri");
    const asLoopback = isLoopbackUrl(this.cfg.deviceAuthorizationEndpoint);
    if (!isWebUrl(vu, asLoopback)) return fault(Fault.AnswerNotHttps, "verification_uri");
    let vuc = obj.getString("verification_uri_complete");
    if (vuc !== null && !isWebUrl(vuc, asLoopback)) vuc = null; // optional extra: dropped, never shown, when unusable
    const expires = numberField(obj, "expires_in");
    if (isNaN(expires)) return fault(Fault.AnswerMissing, "expires_in");
    if (expires < 1 || expires > <f64>EXPIRES_MAX_S) return fault(Fault.AnswerOutOfRange, "expires_in");
    let interval = <f64>DEFAULT_INTERVAL_S;
    if (obj.has("interval")) {
      interval = numberField(obj, "interval");
      if (isNaN(interval) || interval < 1 || interval > <f64>INTERVAL_MAX_S) return fault(Fault.AnswerOutOfRange, "interval");
    }
    this.deviceCode = dc;
    this.userCode = uc;
    this.verificationUri = vu;
    this.verificationUriComplete = vuc === null ? "" : vuc;
    this.intervalMs = <i64>(Math.ceil(interval) * 1000);
    this.expiresAtMs = now + <i64>(Math.floor(expires) * 1000);
    this.failures = 0;
    this.message = "";
    this.state = LinkState.AwaitingApproval;
    this.phase = Phase.Poll;
    // §3.4/§3.5: wait one interval before the first poll.
    this.nextAt = now + this.intervalMs + POLL_GUARD_MS;
    return "";
  }

  // §3.5 device access token error response.
  private onPollError(err: OAuthError, now: i64): void {
    this.failures = 0;
    const code = err.code;
    if (code == "authorization_pending" || code == "slow_down") {
      if (code == "slow_down") {
        // "the interval MUST be increased by 5 seconds for this and all subsequent requests"
        this.intervalMs += SLOW_DOWN_STEP_MS;
        if (!isNaN(err.interval) && err.interval <= <f64>INTERVAL_MAX_S && <i64>(err.interval * 1000) > this.intervalMs) {
          this.intervalMs = <i64>(Math.ceil(err.interval) * 1000);
        }
      }
      this.state = LinkState.AwaitingApproval;
      this.message = "";
      this.nextAt = now + this.intervalMs + POLL_GUARD_MS;
    } else if (code == "access_denied") {
      this.stop(LinkState.Denied);
    } else if (code == "expired_token") {
      this.stop(LinkState.CodeExpired);
    } else {
      this.configFailure(Fault.TokenRefused, err);
    }
  }
}

/**
 * A page the person may be sent to (RFC 8628 §3.2, §3.3): https, or plain
 * http only from an authorization server on loopback (a development setup)
 * to a page on loopback or on an IPv4 address literal (that machine's own
 * network address, the simulator's --lan); never plain http to a name, where
 * anyone on the path could swap the sign-in page.
 */
function isWebUrl(s: string, asLoopback: bool): bool {
  const u = parseUrl(s);
  if (!u.valid) return false;
  return u.scheme == "https" || (u.scheme == "http" && asLoopback && (isLoopbackHost(u.host) || isIpv4Literal(u.host)));
}

function isLoopbackUrl(s: string): bool {
  const u = parseUrl(s);
  return u.valid && isLoopbackHost(u.host);
}

/** Groups a user code for reading aloud or on screen: WDJBMJHT → WDJB-MJHT (RFC 8628 §6.1). */
export function groupUserCode(code: string): string {
  if (code.indexOf("-") >= 0 || code.indexOf(" ") >= 0 || code.length < 6) return code;
  const group = code.length % 4 == 0 ? 4 : (code.length % 3 == 0 ? 3 : 4);
  let out = code.substring(0, group);
  for (let i = group; i < code.length; i += group) out += "-" + code.substring(i, i + group);
  return out;
}

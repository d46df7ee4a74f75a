// Unlink, as a pure controller shaped like DeviceFlow. One request at a
// time, in this order:
//   1. the backend's invalidate call (NUGU-style), while the access token
//      still works there;
//   2. RFC 7009 §2.1 revocation of the refresh token, which ends the grant
//      at most servers;
//   3. RFC 7009 §2.1 revocation of the access token.
// Each step runs whatever the previous one got; then the caller wipes the
// store (the local wipe happens even when no server could be told) and
// says `outcome`.
import { DeviceConfig } from "./config";
import { TokenRecord } from "./token_record";
import { Form } from "../net/form";
import { HttpRequest, HttpResponse, cleanText, parseBody } from "../net/http";
import { Fault, fault } from "../faults";
import { REVOKE_TIMEOUT_MS } from "../limits";

export const enum UnlinkStep { Idle = 0, Invalidate = 1, RevokeRefresh = 2, RevokeAccess = 3, Done = 4 }

export const enum UnlinkOutcome {
  None = 0,
  /** Every server asked confirmed. */
  Confirmed = 1,
  /** Nowhere to tell: no revocation endpoint and no invalidate call configured. */
  NoEndpoint = 2,
  /** At least one server could not be reached (transport failure or refusal by the board). */
  Unreached = 3,
  /** Reached, but a server answered something other than a confirmation. */
  Refused = 4,
}

export class Unlink {
  step: UnlinkStep = UnlinkStep.Idle;
  outcome: UnlinkOutcome = UnlinkOutcome.None;
  /** What went wrong at a server, for the log; "" when nothing. */
  note: string = "";
  private accessToken: string = "";
  private refreshToken: string = "";
  private unreached: i32 = 0;
  private refused: i32 = 0;
  private asked: i32 = 0;
  private inFlight: bool = false;
  private nextAt: i64 = -1;

  constructor(private cfg: DeviceConfig) {}

  get active(): bool {
    return this.step != UnlinkStep.Idle && this.step != UnlinkStep.Done;
  }

  get finished(): bool {
    return this.step == UnlinkStep.Done;
  }

  begin(rec: TokenRecord, now: i64): void {
    this.accessToken = rec.accessToken;
    this.refreshToken = rec.refreshToken;
    this.unreached = 0;
    this.refused = 0;
    this.asked = 0;
    this.note = "";
    this.inFlight = false;
    this.outcome = UnlinkOutcome.None;
    this.step = UnlinkStep.Invalidate;
    this.nextAt = now;
    this.skipUnneeded();
  }

  /** Back to idle after the caller acted on the outcome. */
  reset(): void {
    this.step = UnlinkStep.Idle;
    this.outcome = UnlinkOutcome.None;
    this.accessToken = "";
    this.refreshToken = "";
    this.inFlight = false;
    this.nextAt = -1;
  }

  nextDeadline(): i64 {
    return this.active && !this.inFlight ? this.nextAt : -1;
  }

  due(now: i64): HttpRequest | null {
    if (!this.active || this.inFlight || now < this.nextAt) return null;
    let req: HttpRequest;
    if (this.step == UnlinkStep.Invalidate) {
      req = HttpRequest.form(this.cfg.invalidateEndpoint, new Form().add("token", this.accessToken).toString());
      req.timeoutMs = REVOKE_TIMEOUT_MS;
    } else {
      // RFC 7009 §2.1: token, token_type_hint, and the client's identity.
      const refresh = this.step == UnlinkStep.RevokeRefresh;
      const form = new Form().add("token", refresh ? this.refreshToken : this.accessToken).add("token_type_hint", refresh ? "refresh_token" : "access_token");
      req = this.cfg.post(this.cfg.revocationEndpoint, form, REVOKE_TIMEOUT_MS);
    }
    this.inFlight = true;
    this.asked++;
    return req;
  }

  onResponse(resp: HttpResponse, now: i64): void {
    if (!this.active || !this.inFlight) return;
    this.inFlight = false;
    if (resp.status < 0) {
      this.unreached++;
      this.note = fault(Fault.UnlinkUnreached, resp.status.toString());
    } else if (this.step == UnlinkStep.Invalidate) {
      // {"ok":true}, or {"ok":false,"error":"invalid_auth"}.
      const obj = resp.status == 200 ? parseBody(resp) : null;
      const ok = obj !== null ? obj.get("ok") : null;
      if (ok === null || !ok.bool) {
        this.refused++;
        const err = obj !== null ? obj.getString("error") : null;
        this.note = fault(Fault.InvalidateNotConfirmed, err !== null ? cleanText(err, 40) : resp.status.toString());
      }
    } else if (resp.status != 200) {
      // RFC 7009 §2.2: 200 whether or not the token was still valid; anything else is not a confirmation.
      this.refused++;
      this.note = fault(Fault.RevocationNotConfirmed, resp.status.toString());
    }
    this.step = <UnlinkStep>(<i32>this.step + 1);
    this.nextAt = now;
    this.skipUnneeded();
  }

  private skipUnneeded(): void {
    if (this.step == UnlinkStep.Invalidate && this.cfg.invalidateEndpoint.length == 0) this.step = UnlinkStep.RevokeRefresh;
    if (this.step == UnlinkStep.RevokeRefresh && (this.cfg.revocationEndpoint.length == 0 || this.refreshToken.length == 0)) {
      this.step = UnlinkStep.RevokeAccess;
    }
    if (this.step == UnlinkStep.RevokeAccess && this.cfg.revocationEndpoint.length == 0) this.step = UnlinkStep.Done;
    if (this.step != UnlinkStep.Done) return;
    this.nextAt = -1;
    if (this.asked == 0) this.outcome = UnlinkOutcome.NoEndpoint;
    else if (this.unreached > 0) this.outcome = UnlinkOutcome.Unreached;
    else if (this.refused > 0) this.outcome = UnlinkOutcome.Refused;
    else this.outcome = UnlinkOutcome.Confirmed;
  }
}

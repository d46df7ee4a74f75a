// Authorization server metadata discovery (RFC 8414 §3, OpenID Connect
// Discovery 1.0 §4), as a pure controller shaped like DeviceFlow: `due(now)`
// gives the request to send, `onResponse(resp, now)` takes its answer,
// `nextDeadline()` says when to run next. No clock reads, no board calls.
import { DeviceConfig, applyDiscovery } from "./config";
import { Rng, backoffDelay } from "./backoff";
import { HttpRequest, HttpResponse, parseBody } from "../net/http";
import { Fault, fault } from "../faults";
import { wellKnownUrls } from "../net/url";
import { DISCOVERY_BACKOFF_BASE_MS, DISCOVERY_BACKOFF_CAP_MS, DISCOVERY_TIMEOUT_MS } from "../limits";

export const enum DiscoveryState {
  /** Nothing to discover: the config names the endpoints, or start() was not called. */
  Idle = 0,
  Fetching = 1,
  /** Waiting to retry after a transport failure or a 5xx. */
  Backoff = 2,
  Done = 3,
  /** No usable metadata; start() tries again (the LINK button). */
  Failed = 4,
}

export class Discovery {
  state: DiscoveryState = DiscoveryState.Idle;
  /** Why discovery waits or failed (safe to show). */
  reason: string = "";
  /** Which well-known location is tried: 0 OpenID, 1 RFC 8414. */
  location: i32 = 0;
  failures: i32 = 0;
  private nextAt: i64 = -1;
  private inFlight: bool = false;
  // The endpoints as configured, so a retry never builds on a rejected document.
  private baseDevice: string;
  private baseToken: string;
  private baseRevocation: string;

  constructor(private cfg: DeviceConfig, private rng: Rng) {
    this.baseDevice = cfg.deviceAuthorizationEndpoint;
    this.baseToken = cfg.tokenEndpoint;
    this.baseRevocation = cfg.revocationEndpoint;
  }

  get needed(): bool {
    return this.baseDevice.length == 0 || this.baseToken.length == 0;
  }

  /** The endpoints are known (configured or discovered). */
  get ready(): bool {
    return !this.needed || this.state == DiscoveryState.Done;
  }

  /** (Re)starts discovery from the first location, at once. A response still in flight is ignored. */
  start(now: i64): void {
    this.restore();
    this.reason = "";
    this.location = 0;
    this.failures = 0;
    this.inFlight = false;
    if (!this.needed) {
      this.state = DiscoveryState.Done;
      this.nextAt = -1;
      return;
    }
    this.state = DiscoveryState.Fetching;
    this.nextAt = now;
  }

  nextDeadline(): i64 {
    return this.inFlight ? -1 : this.nextAt;
  }

  due(now: i64): HttpRequest | null {
    if (this.inFlight || this.nextAt < 0 || now < this.nextAt) return null;
    if (this.state != DiscoveryState.Fetching && this.state != DiscoveryState.Backoff) return null;
    this.inFlight = true;
    this.nextAt = -1;
    const req = HttpRequest.get(wellKnownUrls(this.cfg.issuer)[this.location]);
    req.timeoutMs = DISCOVERY_TIMEOUT_MS;
    return req;
  }

  onResponse(resp: HttpResponse, now: i64): void {
    if (!this.inFlight) return;
    this.inFlight = false;
    if (resp.status < 0 || resp.status >= 500 || resp.status == 429) {
      // Transient: the same location again, later (capped, jittered).
      this.failures++;
      this.state = DiscoveryState.Backoff;
      this.reason = fault(Fault.DiscoveryRetrying, resp.status.toString());
      this.nextAt = now + backoffDelay(this.failures, DISCOVERY_BACKOFF_BASE_MS, DISCOVERY_BACKOFF_CAP_MS, 0, this.rng);
      return;
    }
    const doc = resp.status == 200 ? parseBody(resp) : null;
    if (doc === null) {
      // RFC 8414 §3.1: the other well-known location before giving up.
      if (this.location == 0) {
        this.location = 1;
        this.state = DiscoveryState.Fetching;
        this.nextAt = now;
        return;
      }
      this.fail(fault(Fault.NoMetadata, resp.status.toString()));
      return;
    }
    // RFC 8414 §3.3: the document's issuer must be the configured one.
    const why = applyDiscovery(this.cfg, doc);
    if (why.length > 0) {
      this.fail(why);
      return;
    }
    this.state = DiscoveryState.Done;
    this.reason = "";
  }

  /** Back to the endpoints as configured. */
  private restore(): void {
    this.cfg.deviceAuthorizationEndpoint = this.baseDevice;
    this.cfg.tokenEndpoint = this.baseToken;
    this.cfg.revocationEndpoint = this.baseRevocation;
  }

  private fail(why: string): void {
    this.restore();
    this.state = DiscoveryState.Failed;
    this.reason = why;
    this.nextAt = -1;
  }
}

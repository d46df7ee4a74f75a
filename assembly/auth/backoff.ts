// Capped exponential backoff with jitter, for connection failures and
// server errors. Jitter spreads a fleet of devices that lost the network
// at once so they do not return in step.
import { HttpResponse, retryAfterSeconds, usesRetryAfter } from "../net/http";

/** An honoured Retry-After is bounded, so a hostile value cannot park the device. */
export const RETRY_AFTER_CAP_S: i32 = 300;

export abstract class Rng {
  abstract next(): u32;
  /** Uniform in [0, n). */
  below(n: u32): u32 {
    return n == 0 ? 0 : this.next() % n;
  }
}

/** xorshift32: enough for jitter; seeded from the board's random source. */
export class XorShift extends Rng {
  constructor(private state: u32) {
    super();
    if (this.state == 0) this.state = 0x9e3779b9;
  }
  next(): u32 {
    let x = this.state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    this.state = x;
    return x;
  }
}

/**
 * Delay after the `failures`-th consecutive failure (1-based): base·2^(n-1),
 * capped, then "equal jitter" (half fixed, half random), and never less
 * than `floorMs` (e.g. the polling interval, which a retry must respect).
 */
export function backoffDelay(failures: i32, baseMs: i64, capMs: i64, floorMs: i64, rng: Rng): i64 {
  let d = baseMs;
  for (let i = 1; i < failures && d < capMs; i++) d *= 2;
  if (d > capMs) d = capMs;
  const half = d / 2;
  let delay = half + <i64>rng.below(<u32>(half + 1));
  if (delay < floorMs) delay = floorMs;
  return delay;
}

/**
 * The wait after a transient failure answered by `resp`: the Retry-After of
 * a 429 or 503 (RFC 9110 §10.2.3, RFC 6585 §4), capped at RETRY_AFTER_CAP_S,
 * else backoffDelay. Never less than `floorMs`.
 */
export function retryDelay(resp: HttpResponse, failures: i32, baseMs: i64, capMs: i64, floorMs: i64, rng: Rng): i64 {
  const ra = usesRetryAfter(resp.status) ? retryAfterSeconds(resp.retryAfter) : -1;
  if (ra < 0) return backoffDelay(failures, baseMs, capMs, floorMs, rng);
  const delay = <i64>min(ra, RETRY_AFTER_CAP_S) * 1000;
  return delay < floorMs ? floorMs : delay;
}

// Every default and limit the firmware's top works with, in one place:
// timeouts, backoff schedules, size caps. The protocol modules keep the
// values their RFC names (device_flow.ts, tokens.ts, config.ts); they are
// re-exported here so this file is the one index of them.
export {
  REQUEST_TIMEOUT_MS as FLOW_REQUEST_TIMEOUT_MS,
  BACKOFF_BASE_MS as FLOW_BACKOFF_BASE_MS,
  BACKOFF_CAP_MS as FLOW_BACKOFF_CAP_MS,
  RETRY_AFTER_CAP_S,
  INTERVAL_MAX_S,
  EXPIRES_MAX_S,
  USER_CODE_MAX_CHARS,
  DEVICE_CODE_MAX_CHARS,
} from "./auth/device_flow";
export { REFRESH_TIMEOUT_MS, REFRESH_BACKOFF_BASE_MS, REFRESH_BACKOFF_CAP_MS } from "./auth/tokens";
export { CONFIG_MAX_BYTES } from "./auth/config";
export { ACTION_RESPONSE_MAX_CHARS } from "./actions/request";

/** The largest action table the board may provision (bytes): what the JSON reader takes (net/json.ts). */
export const ACTION_TABLE_MAX_BYTES: i32 = 16384;
/** The longest utterance read from the voice front end (bytes). */
export const UTTERANCE_MAX_BYTES: i32 = 1024;
/** Body cap when the board does not say its own (bytes). */
export const DEFAULT_BODY_CAP: i32 = 65536;

/** A discovery document is a small GET (RFC 8414 §3). */
export const DISCOVERY_TIMEOUT_MS: i32 = 10000;
/** Discovery retries after a transport failure or 5xx: 2 s doubling to 60 s, with jitter. */
export const DISCOVERY_BACKOFF_BASE_MS: i64 = 2000;
export const DISCOVERY_BACKOFF_CAP_MS: i64 = 60000;

/** A voice action's answer. */
export const ACTION_TIMEOUT_MS: i32 = 8000;
/** How long an action waits for the refresh that its 401 started before it gives up. */
export const ACTION_REFRESH_WAIT_MS: i64 = 15000;

/** RFC 7009 §2: a revocation request is answered at once; a few seconds is plenty. */
export const REVOKE_TIMEOUT_MS: i32 = 5000;

/**
 * The wake-up given instead of a deadline already past when the previous
 * wake-up made no progress: the device never asks to run again at once twice
 * in a row with nothing done in between.
 */
export const SPIN_GUARD_MS: i64 = 250;

/** Longest reply line kept for the screen (characters). */
export const REPLY_MAX_CHARS: i32 = 400;

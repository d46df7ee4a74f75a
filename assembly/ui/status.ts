// What each state looks like on the LED and says out loud. Pure data, so
// the mapping is tested without a board and reads as one table.
import { LedPattern } from "../board/board";
import { DeviceState } from "../device_state";

export class LedLook {
  constructor(public pattern: LedPattern, public rgb: i32, public periodMs: i32) {}
}

// One distinct look per state: colour tells the family (blue linking,
// green linked, amber waiting on the network, red stopped), the pattern
// tells the step.
export function ledFor(s: DeviceState): LedLook {
  switch (s) {
    case DeviceState.Booting: return new LedLook(LedPattern.Pulse, 0xffffff, 2000);
    case DeviceState.Unlinked: return new LedLook(LedPattern.Solid, 0x202020, 0);
    case DeviceState.RequestingCode: return new LedLook(LedPattern.Spin, 0x0060ff, 600);
    case DeviceState.AwaitingApproval: return new LedLook(LedPattern.Pulse, 0x0060ff, 1500);
    case DeviceState.Backoff: return new LedLook(LedPattern.Blink, 0xffa000, 1000);
    case DeviceState.Linked: return new LedLook(LedPattern.Solid, 0x00c040, 0);
    case DeviceState.Refreshing: return new LedLook(LedPattern.Spin, 0x00c040, 600);
    case DeviceState.Expired: return new LedLook(LedPattern.Blink, 0x00c040, 1000);
    case DeviceState.Unlinking: return new LedLook(LedPattern.Spin, 0xffa000, 600);
    case DeviceState.Denied: return new LedLook(LedPattern.Blink, 0xff0000, 400);
    case DeviceState.CodeExpired: return new LedLook(LedPattern.Solid, 0xff6000, 0);
  }
  return new LedLook(LedPattern.Solid, 0xff0000, 0); // error
}

/** Human words for a state, for the status line. */
export function stateLabel(s: DeviceState): string {
  switch (s) {
    case DeviceState.Booting: return "Starting";
    case DeviceState.Unlinked: return "Not linked";
    case DeviceState.RequestingCode: return "Getting a code";
    case DeviceState.AwaitingApproval: return "Waiting for approval";
    case DeviceState.Backoff: return "Network trouble, retrying";
    case DeviceState.Linked: return "Linked";
    case DeviceState.Refreshing: return "Refreshing access";
    case DeviceState.Expired: return "Reconnecting";
    case DeviceState.Unlinking: return "Unlinking";
    case DeviceState.Denied: return "Access denied";
    case DeviceState.CodeExpired: return "Code expired";
  }
  return "Error";
}

/**
 * "9 min" above two minutes, then seconds in steps of 10 (fewer wake-ups),
 * then "less than 10 s". Always rounded down, so the text never promises
 * more time than is left: a 15 s code says "10 s", never "20 s".
 */
export function countdownText(msLeft: i64): string {
  if (msLeft <= 0) return "now";
  const s = msLeft / 1000;
  if (s > 120) return (s / 60).toString() + " min";
  if (s < 10) return "less than 10 s";
  return ((s / 10) * 10).toString() + " s";
}

/**
 * When the countdown text next changes, given the expiry; -1 when never.
 * The text rounds down, so it changes one millisecond after the time left
 * reaches a whole step.
 */
export function countdownNextChange(now: i64, expiresAt: i64): i64 {
  const left = expiresAt - now;
  if (left <= 0) return -1;
  if (left < 10000) return expiresAt;
  const step: i64 = left > 121000 ? 60000 : 10000;
  return now + (left % step) + 1;
}

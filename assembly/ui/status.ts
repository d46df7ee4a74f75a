// What each state looks like on the LED and says out loud. Pure data, so
// the mapping is tested without a board and reads as one table.
import { LedPattern } from "../board/board";

export class LedLook {
  constructor(public pattern: LedPattern, public rgb: i32, public periodMs: i32) {}
}

// One distinct look per state: colour tells the family (blue linking,
// green linked, amber waiting on the network, red stopped), the pattern
// tells the step.
export function ledFor(state: string): LedLook {
  if (state == "booting") return new LedLook(LedPattern.Pulse, 0xffffff, 2000);
  if (state == "unlinked") return new LedLook(LedPattern.Solid, 0x202020, 0);
  if (state == "requesting_code") return new LedLook(LedPattern.Spin, 0x0060ff, 600);
  if (state == "awaiting_approval") return new LedLook(LedPattern.Pulse, 0x0060ff, 1500);
  if (state == "backoff") return new LedLook(LedPattern.Blink, 0xffa000, 1000);
  if (state == "linked") return new LedLook(LedPattern.Solid, 0x00c040, 0);
  if (state == "refreshing") return new LedLook(LedPattern.Spin, 0x00c040, 600);
  if (state == "expired") return new LedLook(LedPattern.Blink, 0x00c040, 1000);
  if (state == "unlinking") return new LedLook(LedPattern.Spin, 0xffa000, 600);
  if (state == "denied") return new LedLook(LedPattern.Blink, 0xff0000, 400);
  if (state == "code_expired") return new LedLook(LedPattern.Solid, 0xff6000, 0);
  return new LedLook(LedPattern.Solid, 0xff0000, 0); // error
}

/** Human words for a state name, for the status line. */
export function stateLabel(state: string): string {
  if (state == "booting") return "Starting";
  if (state == "unlinked") return "Not linked";
  if (state == "requesting_code") return "Getting a code";
  if (state == "awaiting_approval") return "Waiting for approval";
  if (state == "backoff") return "Network trouble, retrying";
  if (state == "linked") return "Linked";
  if (state == "refreshing") return "Refreshing access";
  if (state == "expired") return "Reconnecting";
  if (state == "unlinking") return "Unlinking";
  if (state == "denied") return "Access denied";
  if (state == "code_expired") return "Code expired";
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

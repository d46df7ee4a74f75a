// What each state looks like on the LED and says out loud. Pure data, so
// the mapping is tested without a board and reads as one table.
import { LedPattern } from "../board/board";
import { DeviceState } from "../device_state";
import { W, words } from "./words";

export class LedLook {
  constructor(public pattern: LedPattern, public rgb: i32, public periodMs: i32) {}
}

// One distinct look per state: colour tells the family (blue linking,
// green linked, amber waiting on the network, red stopped), the pattern
// tells the step. One row per DeviceState, in the enum's order: pattern,
// 0xRRGGBB, period in ms / 100.
// prettier-ignore
const LOOKS: StaticArray<u32> = [
  LedPattern.Pulse, 0xffffff, 20, // booting
  LedPattern.Spin,  0x0060ff,  6, // requesting_code
  LedPattern.Pulse, 0x0060ff, 15, // awaiting_approval
  LedPattern.Blink, 0xffa000, 10, // backoff
  LedPattern.Solid, 0x00c040,  0, // linked
  LedPattern.Spin,  0x00c040,  6, // refreshing
  LedPattern.Blink, 0x00c040, 10, // expired
  LedPattern.Blink, 0xff0000,  4, // denied
  LedPattern.Solid, 0xff6000,  0, // code_expired
  LedPattern.Spin,  0xffa000,  6, // unlinking
  LedPattern.Solid, 0x202020,  0, // unlinked
  LedPattern.Solid, 0xff0000,  0, // error
];

/** A state's row; anything out of range is the error state's. */
function row(s: DeviceState): i32 {
  return min(<u32>s, <u32>DeviceState.Error);
}

export function ledFor(s: DeviceState): LedLook {
  const i = row(s) * 3;
  return new LedLook(<LedPattern>LOOKS[i], LOOKS[i + 1], LOOKS[i + 2] * 100);
}

/** Human words for a state, for the status line. */
export function stateLabel(s: DeviceState): string {
  return words(<W>(W.StateBooting + row(s))); // words.txt lists them in DeviceState order
}

/**
 * "9 min" above two minutes, then seconds in steps of 10 (fewer wake-ups),
 * then "less than 10 s". Always rounded down, so the text never promises
 * more time than is left: a 15 s code says "10 s", never "20 s".
 */
export function countdownText(msLeft: i64): string {
  if (msLeft <= 0) return words(W.Now);
  // In i32 (a code lives minutes): i64 text would pull in a second integer printer.
  const s = <i32>min<i64>(msLeft / 1000, 0x3fffffff);
  if (s > 120) return (s / 60).toString() + words(W.Minutes);
  if (s < 10) return words(W.UnderTenSeconds);
  return ((s / 10) * 10).toString() + words(W.Seconds);
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

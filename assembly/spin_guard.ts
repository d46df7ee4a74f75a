// The firmware's promise against busy loops (boards/ABI.md, Tickless):
// fw_tick never returns a deadline already past twice in a row unless
// something was sent or completed in between.
import { SPIN_GUARD_MS } from "./limits";

/** Never a deadline already past twice in a row without progress in between (no busy loop). */
export class SpinGuard {
  private lastProgress: i32 = -1;
  private pastLast: bool = false;

  /** `progress` is a counter that moves whenever something was sent or completed. */
  check(now: i64, next: i64, progress: i32): i64 {
    const progressed = progress != this.lastProgress;
    this.lastProgress = progress;
    if (next < 0 || next > now) {
      this.pastLast = false;
      return next;
    }
    if (this.pastLast && !progressed) {
      this.pastLast = false;
      return now + SPIN_GUARD_MS;
    }
    this.pastLast = true;
    return next;
  }
}

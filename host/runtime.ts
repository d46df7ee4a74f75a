// The host runtime, as the simulator, tests and benchmarks use it: the
// scheduler (scheduler.ts) driving one firmware instance on the simulated
// board (board.ts). Kept as one name so callers need not know the split.
import { Scheduler, SchedulerOptions } from "./scheduler.ts";

export { ABI_VERSION, EVENT_QUEUE_CAP } from "./scheduler.ts";
export { EINVAL, ENOTSUP, EBUSY, ENOENT, EIO, ETOOSMALL, EAUTH, MAX_IN_FLIGHT, LED_PATTERNS, boardCap, redactUrl } from "./board.ts";
export type { TraceEvent } from "./board.ts";
export type RuntimeOptions = SchedulerOptions;

export class Runtime extends Scheduler {
  /** Set by a renderer that wants pixels (the simulator's framebuffer). */
  get onBlit() {
    return this.board.onBlit;
  }
  set onBlit(fn) {
    this.board.onBlit = fn;
  }
}

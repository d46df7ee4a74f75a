// One simulated device, assembled once: the runtime (scheduler + board) with
// its flash, sealer, board profile and trace. The simulator, the tests and
// the benchmarks all build their device here instead of wiring it
// themselves.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { mkdirSync, rmSync } from "node:fs";
import { Runtime } from "./runtime.ts";
import { SchedulerOptions } from "./scheduler.ts";
import { TraceEvent } from "./board.ts";
import { BoardProfile, loadProfile } from "./profile.ts";
import { Flash } from "./flash.ts";
import { Sealer } from "./seal.ts";

export interface SimDeviceOptions extends Omit<SchedulerOptions, "profile" | "flash" | "sealer" | "deviceConfig"> {
  /** A board profile, or the name of one in boards/. */
  profile: BoardProfile | string;
  deviceConfig: string | null;
  /**
   * Where the device keeps its flash (flash.bin) and sealing key (seal.key)
   * across restarts; without it both live in memory only.
   */
  dataDir?: string;
  /** Start with erased flash (the key is kept). */
  fresh?: boolean;
  /** Use this flash or sealer instead (a test that inspects or shares them). */
  flash?: Flash;
  sealer?: Sealer;
}

export interface SimDevice {
  runtime: Runtime;
  flash: Flash;
  sealer: Sealer;
  profile: BoardProfile;
  /** Stops the runtime and closes the flash file. */
  close(): void;
}

export type { TraceEvent };

export function createSimDevice(o: SimDeviceOptions): SimDevice {
  const profile = typeof o.profile === "string" ? loadProfile(o.profile) : o.profile;
  let flash = o.flash;
  let sealer = o.sealer;
  if (o.dataDir) {
    mkdirSync(o.dataDir, { recursive: true });
    if (o.fresh) rmSync(join(o.dataDir, "flash.bin"), { force: true });
    flash ??= new Flash(profile.flashBytes, join(o.dataDir, "flash.bin"));
    sealer ??= Sealer.fromKeyFile(join(o.dataDir, "seal.key"));
  }
  flash ??= new Flash(profile.flashBytes);
  sealer ??= new Sealer(randomBytes(32));
  const runtime = new Runtime({ ...o, profile, flash, sealer });
  const f = flash;
  return {
    runtime, flash: f, sealer, profile,
    close: () => {
      runtime.stop();
      f.close();
    },
  };
}

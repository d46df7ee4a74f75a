// The host scheduler's crash-only promises (boards/ABI.md), on a virtual
// clock with tiny hand-written modules: the watchdog restarts a trapping
// firmware after 1 s doubling to 30 s and resets the delay only after a
// healthy run; a module that asks to run again at once, over and over, is
// reported as spinning, and a well-behaved one is not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createSimDevice } from "../../host/device.ts";
import { Clock, RESTART_DELAY_CAP_MS, HEALTHY_RUN_MS } from "../../host/scheduler.ts";
import { TraceEvent } from "../../host/board.ts";

/** A module with the firmware's exports: fw_init traps when `initTraps`; fw_tick returns `tick` (an expression of $now) and traps on its `trapOnTick`-th call. */
function module(o: { initTraps?: boolean; tick: string; trapOnTick?: number }): Uint8Array {
  const wat = `(module
    (memory (export "memory") 1 1)
    (global $ticks (mut i32) (i32.const 0))
    (func (export "_start"))
    (func (export "fw_abi_version") (result i32) (i32.const 1))
    (func (export "fw_init") (result i32) ${o.initTraps ? "(unreachable)" : "(i32.const 0)"})
    (func (export "fw_tick") (param $now i64) (result i64)
      (global.set $ticks (i32.add (global.get $ticks) (i32.const 1)))
      ${o.trapOnTick ? `(if (i32.eq (global.get $ticks) (i32.const ${o.trapOnTick})) (then unreachable))` : ""}
      ${o.tick})
    (func (export "fw_on_net_response") (param i32 i32 i32))
    (func (export "fw_on_button") (param i32))
    (func (export "fw_on_utterance") (param i32)))`;
  const dir = mkdtempSync(join(tmpdir(), "linkfw-wat-"));
  try {
    writeFileSync(join(dir, "m.wat"), wat);
    execFileSync("wat2wasm", [join(dir, "m.wat"), "-o", join(dir, "m.wasm")]);
    return new Uint8Array(readFileSync(join(dir, "m.wasm")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A virtual clock: timers run in time order when advanced; at most `budget` callbacks per advance. */
class FakeClock implements Clock {
  t = 0;
  private seq = 0;
  private timers = new Map<number, { at: number; fn: () => void; seq: number }>();
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.t + Math.max(0, ms), fn, seq: id });
    return id;
  }
  clearTimeout(h: unknown): void { this.timers.delete(h as number); }
  setImmediate(fn: () => void): void { this.setTimeout(fn, 0); }
  advance(to: number, budget = 100000): number {
    let ran = 0;
    while (ran < budget) {
      let next: [number, { at: number; fn: () => void; seq: number }] | null = null;
      for (const e of this.timers) if (e[1].at <= to && (!next || e[1].at < next[1].at || (e[1].at === next[1].at && e[1].seq < next[1].seq))) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      ran++;
    }
    if (ran < budget) this.t = Math.max(this.t, to);
    return ran;
  }
}

function device(wasm: Uint8Array, clock: FakeClock, events: TraceEvent[]) {
  return createSimDevice({ wasm, profile: "speaker", deviceConfig: "{}", clock, trace: (e) => events.push(e) });
}

test("watchdog: a module that traps at every boot is restarted after 1 s, 2 s, 4 s … capped at 30 s", () => {
  const clock = new FakeClock();
  const events: TraceEvent[] = [];
  const d = device(module({ initTraps: true, tick: "(i64.const -1)" }), clock, events);
  d.runtime.start();
  clock.advance(200000);
  d.close();
  const delays = d.runtime.stats.restartDelays.slice(0, 8);
  assert.deepEqual(delays, [1000, 2000, 4000, 8000, 16000, RESTART_DELAY_CAP_MS, RESTART_DELAY_CAP_MS, RESTART_DELAY_CAP_MS]);
  const boots = events.filter((e) => e.ev === "boot").map((e) => e.t as number);
  assert.deepEqual(boots.slice(0, 4), [0, 1000, 3000, 7000], "boots at the promised times");
  assert.ok(events.some((e) => e.ev === "log" && /watchdog: restarting the firmware in 30000 ms/.test(String(e.text))), "the delay is logged");
});

test("watchdog: the delay keeps doubling for a module that traps soon after boot, and resets after a healthy minute", () => {
  const quick = new FakeClock();
  const q = device(module({ tick: "(i64.add (local.get $now) (i64.const 10))", trapOnTick: 2 }), quick, []);
  q.runtime.start();
  quick.advance(40000);
  q.close();
  assert.deepEqual(q.runtime.stats.restartDelays.slice(0, 4), [1000, 2000, 4000, 8000], "soon after boot: doubling");

  const slow = new FakeClock();
  const run = HEALTHY_RUN_MS + 10000;
  const s = device(module({ tick: `(i64.add (local.get $now) (i64.const ${run}))`, trapOnTick: 2 }), slow, []);
  s.runtime.start();
  slow.advance(4 * (run + 2000));
  s.close();
  const delays = s.runtime.stats.restartDelays;
  assert.ok(delays.length >= 3, `several traps: ${delays}`);
  assert.ok(delays.every((x) => x === 1000), `after a healthy run the delay starts again at 1 s: ${delays}`);
});

test("spin detection: a module that always returns a past deadline is reported; a tickless one is not", () => {
  const clock = new FakeClock();
  const events: TraceEvent[] = [];
  const d = device(module({ tick: "(local.get $now)" }), clock, events);
  d.runtime.start();
  const ran = clock.advance(0, 2000);
  d.close();
  assert.equal(ran, 2000, "the module kept asking to run at once");
  assert.ok(d.runtime.stats.spins >= 1, "spin counted");
  assert.ok(events.some((e) => e.ev === "log" && e.level === "warn" && /spinning/.test(String(e.text))), "and logged");

  const calm = new FakeClock();
  const quiet: TraceEvent[] = [];
  const c = device(module({ tick: "(i64.add (local.get $now) (i64.const 100))" }), calm, quiet);
  c.runtime.start();
  calm.advance(60000);
  c.close();
  assert.ok(c.runtime.stats.entries >= 500, `it ran (${c.runtime.stats.entries} entries)`);
  assert.equal(c.runtime.stats.spins, 0, "ten entries a second is not a spin");
});

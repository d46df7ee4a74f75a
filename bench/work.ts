// The firmware's work per voice action, counted rather than timed, so it
// does not move with the machine's load: the release module rebuilt with
// binaryen's `wasm-opt --log-execution` (a call at every function entry
// and loop iteration) runs voice actions on the in-process board of the
// fuzz driver (test/fuzz/board.ts: virtual clock, no servers), each
// answered with the same OK answer. The figure is the calls per action:
// function entries plus loop iterations, the same on every machine for the
// same module. Run as a child of bench/run.ts (its module cache and the
// hook are process-wide):
//
//   node --import tsx bench/work.ts build/firmware.wasm [actions]
//
// prints one JSON line: { perAction, actions, traps }.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { firmwareModule, onExecution } from "../test/fuzz/board.ts";
import { voiceActions } from "../test/fuzz/scenario.ts";
// @ts-expect-error: plain JavaScript module
import { FEATURES } from "../tools/finish.mjs";

const ROOT = join(import.meta.dirname, "..");
const WASM_OPT = join(ROOT, "node_modules", ".bin", "wasm-opt");
const WARM_UP = 50;

export function countWork(wasmPath: string, actions: number): { perAction: number; actions: number; traps: number } {
  const dir = mkdtempSync(join(tmpdir(), "bench-work-"));
  try {
    const counted = join(dir, "counted.wasm");
    execFileSync(WASM_OPT, [wasmPath, "--log-execution", ...FEATURES, "-o", counted], { stdio: ["ignore", "ignore", "inherit"] });
    let calls = 0;
    onExecution(() => { calls++; });
    firmwareModule(counted);
    const { board, one } = voiceActions();
    for (let i = 0; i < WARM_UP; i++) one();
    calls = 0;
    for (let i = 0; i < actions; i++) one();
    return { perAction: calls / actions, actions, traps: board.traps };
  } finally {
    onExecution(null);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const wasm = process.argv[2] ?? join(ROOT, "build", "firmware.wasm");
  const actions = Number(process.argv[3] ?? 1000);
  console.log(JSON.stringify(countWork(wasm, actions)));
}

// The release module's budgets (issue "Fit the boards"): at most 65,536
// bytes, and declared memory of at most 2 pages (128 KiB), fixed
// (initial = maximum), so that a heap that outgrows what a board gives
// traps in every test instead of growing silently. Every HIL suite runs
// this same build/firmware.wasm. `npm run bench` shows where the bytes go.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/device.ts";
import { memoryLimits } from "../../bench/wasm.ts";

const MAX_PAGES = 2;
const MAX_MODULE_BYTES = 65536;

test("release module: at most 64 KiB, so it fits the flash partition of the boards it is for", () => {
  const bytes = readFileSync(join(ROOT, "build", "firmware.wasm")).length;
  assert.ok(bytes <= MAX_MODULE_BYTES, `build/firmware.wasm is ${bytes} bytes, over the ${MAX_MODULE_BYTES}-byte budget by ${bytes - MAX_MODULE_BYTES}; see npm run bench for where they go`);
});

test("release module: linear memory declared as at most 2 pages, initial = maximum, not imported", () => {
  const wasm = new Uint8Array(readFileSync(join(ROOT, "build", "firmware.wasm")));
  const m = memoryLimits(wasm);
  assert.equal(m.imported, false, "the module defines its own memory");
  assert.notEqual(m.maximum, null, "a maximum is declared");
  assert.ok(m.maximum! <= MAX_PAGES, `maximum ${m.maximum} pages`);
  assert.equal(m.initial, m.maximum, "initial = maximum: the memory never grows");
});

test("release module: the memory really cannot grow past the declared maximum", () => {
  const wasm = readFileSync(join(ROOT, "build", "firmware.wasm"));
  const mod = new WebAssembly.Module(wasm);
  const imports: Record<string, Record<string, unknown>> = {};
  for (const i of WebAssembly.Module.imports(mod)) {
    if (i.kind !== "function") continue;
    (imports[i.module] ??= {})[i.name] = () => 0;
  }
  const inst = new WebAssembly.Instance(mod, imports as WebAssembly.Imports);
  const mem = inst.exports.memory as WebAssembly.Memory;
  assert.equal(mem.buffer.byteLength, MAX_PAGES * 65536);
  assert.throws(() => mem.grow(1), RangeError, "growing past the maximum fails");
});

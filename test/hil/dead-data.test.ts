// The release build's dead-data step (tools/dead-data.mjs): static items
// that no constant can reach are zeroed; anything a constant, a load
// offset, or a pointer inside a used item reaches is kept byte for byte.
// Small hand-written modules, so each rule is checked on its own, and the
// release module itself: it must carry no record section.
import test from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import binaryen from "binaryen";
import { ROOT } from "../support/device.ts";
import { zeroDeadData, SLACK } from "../../tools/dead-data.mjs";
import { dataSegments, customSection } from "../../tools/wasm-sections.mjs";
import { SECTION } from "../../tools/static-items.mjs";

const u32 = (n: number) => [...new Uint8Array(new Uint32Array([n]).buffer)].map((x) => `\\${x.toString(16).padStart(2, "0")}`).join("");

/** A module whose data items sit at the given offsets; `body` is its one function's code. */
async function module(items: { at: number; bytes: string }[], body: string, global = 0): Promise<Uint8Array> {
  await binaryen.ready;
  const data = items.map((it) => `(data (i32.const ${it.at}) "${it.bytes}")`).join("\n");
  const m = binaryen.parseText(`(module (memory 1) ${data}
    (global $g (mut i32) (i32.const ${global}))
    (func (export "f") (result i32) ${body}))`);
  const b = m.emitBinary();
  m.dispose();
  return b;
}

/** The bytes the module sets at [at, at + n). */
function bytesAt(b: Uint8Array, at: number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  for (const s of dataSegments(b)) {
    for (let k = 0; k < s.len; k++) {
      const a = s.offset + k;
      if (a >= at && a < at + n) out[a - at] = b[s.file + k];
    }
  }
  return out;
}

const A = "AAAAAAAAAAAAAAAA", B = "BBBBBBBBBBBBBBBB";
const full = (s: string) => [...s].map((c) => c.charCodeAt(0));
const zero = (n: number) => new Array<number>(n).fill(0);

test("dead data: an item no constant reaches is zeroed, one an i32.const reaches is kept", async () => {
  const b = await module([{ at: 1024, bytes: A }, { at: 2048, bytes: B }], "(i32.load (i32.const 1028))");
  const r = zeroDeadData(b, [{ offset: 1024, len: 16 }, { offset: 2048, len: 16 }]);
  assert.deepEqual(r, { zeroed: 1, bytes: 16 });
  assert.deepEqual(bytesAt(b, 1024, 16), full(A));
  assert.deepEqual(bytesAt(b, 2048, 16), zero(16));
});

test("dead data: a load offset, a global's initial value, or a constant within the slack keeps an item", async () => {
  const items = [{ at: 1024, bytes: A }, { at: 2048, bytes: B }, { at: 3072, bytes: A }, { at: 4096, bytes: B }];
  const b = await module(items, `(i32.add (i32.load offset=1032 (i32.const 0)) (i32.load (i32.const ${3072 - SLACK})))`, 2060);
  const r = zeroDeadData(b, items.map((it) => ({ offset: it.at, len: 16 })));
  assert.deepEqual(r, { zeroed: 1, bytes: 16 }, "only the item at 4096 is unreachable");
  assert.deepEqual(bytesAt(b, 1024, 16), full(A));
  assert.deepEqual(bytesAt(b, 2048, 16), full(B));
  assert.deepEqual(bytesAt(b, 3072, 16), full(A));
  assert.deepEqual(bytesAt(b, 4096, 16), zero(16));
});

test("dead data: a pointer inside a used item keeps its target; one inside a dead item does not", async () => {
  // 1024 (used) points to 2048; 3072 (dead) points to 4096.
  const items = [
    { at: 1024, bytes: u32(2048) + "xxxxxxxxxxxx" },
    { at: 2048, bytes: B },
    { at: 3072, bytes: u32(4096) + "yyyyyyyyyyyy" },
    { at: 4096, bytes: A },
  ];
  const b = await module(items, "(i32.load (i32.const 1024))");
  const r = zeroDeadData(b, items.map((it) => ({ offset: it.at, len: 16 })));
  assert.deepEqual(r, { zeroed: 2, bytes: 29 }, "both items at 3072 and 4096, counted by their non-zero bytes (the pointer word has three)");
  assert.deepEqual(bytesAt(b, 2048, 16), full(B));
  assert.deepEqual(bytesAt(b, 3072, 16), zero(16));
  assert.deepEqual(bytesAt(b, 4096, 16), zero(16));
});

test("dead data: a data byte outside the recorded items stops the build", async () => {
  const b = await module([{ at: 1024, bytes: A }, { at: 5000, bytes: "z" }], "(i32.const 1024)");
  assert.throws(() => zeroDeadData(b, [{ offset: 1024, len: 16 }]), /outside the recorded static items/);
});

test("release module: built with the static-item records, which do not ship", () => {
  const wasm = readFileSync(join(ROOT, "build", "firmware.wasm"));
  assert.equal(customSection(wasm, SECTION), null, `build/firmware.wasm still carries the ${SECTION} section`);
});

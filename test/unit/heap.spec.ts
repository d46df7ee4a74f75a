// The collection policy (assembly/heap.ts) on the minimal runtime it reads,
// as in the release module. The runtime frees anything only a local holds,
// so every object a case needs after a collection is held by a global.
import { test, expect, expectEq, report } from "./harness";
import { COLLECT_AFTER_BYTES, allocatedSinceCollect, collect, settle, shouldCollect } from "../../assembly/heap";

/** What a case keeps across a collection. */
let kept: Array<Uint8Array> = [];
let grown: Array<i32> = [];

/** Allocates `n` arrays of `size` bytes that nothing keeps. */
function garbage(n: i32, size: i32): void {
  for (let i = 0; i < n; i++) new Uint8Array(size);
}

test("shouldCollect: at the limit and over it, not below", () => {
  expect(!shouldCollect(0, 16384), "nothing allocated");
  expect(!shouldCollect(16383, 16384), "one byte short");
  expect(shouldCollect(16384, 16384), "at the limit");
  expect(shouldCollect(40000, 16384), "over it");
});

test("the count starts near zero after a collection and grows by what is allocated, each object once", () => {
  // Figures first, words after: a message is an allocation too.
  collect();
  const base = allocatedSinceCollect();
  kept = [new Uint8Array(1000)];
  const after = allocatedSinceCollect();
  const again = allocatedSinceCollect();
  expectEq<usize>(base, 0, "nothing counted after a collection (its marker is not counted)");
  // The array object and its 1000-byte buffer, with their headers; the marker is moved, not made anew.
  expect(after >= base + 1000 && after < base + 1200, "1000 bytes and headers: " + (after - base).toString());
  expectEq<usize>(again, after, "counting again adds nothing");
});

test("an array made and grown since the last count is counted at its grown size", () => {
  // Growing an object from an earlier entry is not counted: the runtime
  // reallocates it in its place in the list, and frees the old block at once.
  collect();
  const before = allocatedSinceCollect();
  grown = new Array<i32>();
  for (let i = 0; i < 2000; i++) grown.push(i);
  const after = allocatedSinceCollect();
  expect(after >= before + 8000, "8000 bytes of items: " + (after - before).toString());
  let sum = 0;
  for (let i = 0; i < grown.length; i++) sum += grown[i];
  expectEq<i32>(sum, 1999000, "the items are intact");
});

test("settle: no collection below the limit, one at it; what a global holds survives", () => {
  collect();
  kept = [new Uint8Array(100)];
  kept[0][99] = 42;
  garbage(4, 1000);
  settle();
  const below = allocatedSinceCollect();
  expect(below >= 4000 && below < COLLECT_AFTER_BYTES, "below the limit nothing was collected: " + below.toString());
  garbage(20, 1000);
  settle();
  const after = allocatedSinceCollect();
  expect(after < 64, "over the limit settle collected: " + after.toString());
  expectEq<u8>(kept[0][99], 42, "a kept array is intact");
});

test("garbage is freed: 2000 rounds of 10 KiB with settle between stay in the declared memory", () => {
  collect();
  const pages0 = memory.size();
  for (let i = 0; i < 2000; i++) {
    garbage(10, 1024);
    settle();
  }
  expect(memory.size() <= pages0 + 1, "memory grew by at most a page: " + pages0.toString() + " -> " + memory.size().toString());
});

report();

// The dead-data step of the release build (tools/finish.mjs, after wasm-opt).
//
// asc lays out every static item the program might use: string literals,
// static arrays, tables from memory.data. binaryen then removes the code
// that became unreachable, but never the data: a table only that code read
// (the standard library's number formatting tables, a string only a removed
// assertion would have passed) stays in the module. Here such items are
// found and zeroed, and wasm-opt's memory packing then drops their bytes.
//
// Wasm code can only reach static data through an address it holds, and
// every address of static data starts as a constant: an i32.const in code
// or in a global's initializer, a load or store offset, or a pointer word
// inside another static item (an array of strings). An item is used when
// one of those constants points into it, or within SLACK bytes of it (an
// address folded with a small offset, such as a header field before an
// object); a pointer word counts only inside an item that is used. The
// item boundaries come from tools/static-items.mjs, recorded before
// optimization packed the segments. Every byte the module sets must lie in
// a recorded item, or the build stops: the records would not describe this
// module.
import binaryen from "binaryen";
import { dataSegments } from "./wasm-sections.mjs";

await binaryen.ready;

/** How far outside an item a constant still counts as pointing into it, bytes. */
export const SLACK = 16;

/** Every address constant of the module's code and globals (not its data). */
function codeConstants(b) {
  const m = binaryen.readBinary(b);
  try {
    m.setFeatures(binaryen.Features.All);
    const text = m.emitText().split("\n").filter((l) => !/^\s*\(data\b/.test(l)).join("\n");
    const out = [];
    for (const x of text.matchAll(/i32\.const (-?\d+)/g)) out.push(Number(x[1]) >>> 0);
    for (const x of text.matchAll(/offset=(\d+)/g)) out.push(Number(x[1]));
    return out;
  } finally {
    m.dispose();
  }
}

/**
 * Zeroes, in place, the bytes of the static items in `items` ({offset, len}
 * each) nothing can reach. Returns the items zeroed and their bytes that
 * were set.
 */
export function zeroDeadData(b, items) {
  const segs = dataSegments(b);
  const where = new Map();
  for (const s of segs) for (let k = 0; k < s.len; k++) where.set(s.offset + k, s.file + k);
  const sorted = [...items].sort((x, y) => x.offset - y.offset);
  // Packing splits, trims and joins segments but never moves a byte: each
  // byte set must lie in an item, or the records are not this module's.
  const top = Math.max(0, ...sorted.map((it) => it.offset + it.len), ...segs.map((s) => s.offset + s.len));
  const owned = new Uint8Array(top);
  for (const it of sorted) owned.fill(1, it.offset, it.offset + it.len);
  for (const [a, f] of where) {
    if (b[f] !== 0 && !owned[a]) throw new Error(`a data byte at ${a} lies outside the recorded static items`);
  }
  const byte = (a) => (where.has(a) ? b[where.get(a)] : 0);
  const u32 = (a) => (byte(a) | (byte(a + 1) << 8) | (byte(a + 2) << 16) | (byte(a + 3) << 24)) >>> 0;
  const used = new Set();
  let refs = codeConstants(b);
  while (refs.length > 0) {
    const found = [];
    for (const it of sorted) {
      if (used.has(it)) continue;
      const lo = it.offset - SLACK, hi = it.offset + it.len + SLACK;
      if (!refs.some((r) => r >= lo && r <= hi)) continue;
      used.add(it);
      for (let a = (it.offset + 3) & ~3; a + 4 <= it.offset + it.len; a += 4) found.push(u32(a));
    }
    refs = found;
  }
  let zeroed = 0, bytes = 0;
  for (const it of sorted) {
    if (used.has(it)) continue;
    let set = 0;
    for (let a = it.offset; a < it.offset + it.len; a++) {
      if (where.has(a) && b[where.get(a)] !== 0) {
        b[where.get(a)] = 0;
        set++;
      }
    }
    if (set > 0) {
      zeroed++;
      bytes += set;
    }
  }
  return { zeroed, bytes };
}

// When to collect. The release build's minimal runtime never collects by
// itself, and a full collection visits every live object and every object
// allocated since the last one. Collecting after every entry spent most of
// a voice action's time in the collector; instead each entry collects only
// when the heap could no longer hold what the next entry may allocate.
//
// The test: the allocator (TLSF, ~lib/rt/tlsf) keeps one bit per size class
// of free block in its first-level map; class k >= 1 holds blocks of
// 2^(k+7) up to 2^(k+8) - 1 bytes. So "some free block of at least 2^n
// bytes exists" is one load and one shift. An entry whose allocations add
// up to less than that block always fits, whatever the fragmentation
// elsewhere.
//
// Safe only where nothing managed lives on the stack: at the start or end
// of an exported entry (only globals hold the app), as main.ts calls it.
import { ROOT } from "rt/tlsf";

/**
 * log2 of the free block kept for the next entry: 32 KiB. A tick, a button
 * or an utterance allocates a few KiB; a network answer asks for more
 * (main.ts, from its body length) before it is read.
 */
export const ENTRY_ROOM_LOG2: i32 = 15;

/** TLSF's first level covers classes from 2^8 bytes up (class 1 = 256..511). */
const FL_FIRST_LOG2: i32 = 7;

/** Whether the heap has a free block of at least 2^log2 bytes. */
export function hasFreeBlock(log2: i32): bool {
  const root = changetype<usize>(ROOT);
  if (root == 0) return true; // nothing allocated yet: the whole heap is free
  const flMap = load<u32>(root); // Root#flMap, the first field
  return (flMap >>> <u32>(log2 - FL_FIRST_LOG2)) != 0;
}

/** Smallest n with 2^n >= bytes (at least ENTRY_ROOM_LOG2). */
export function roomLog2(bytes: i32): i32 {
  const n = bytes <= 1 ? 0 : 32 - clz<i32>(bytes - 1);
  return n > ENTRY_ROOM_LOG2 ? n : ENTRY_ROOM_LOG2;
}

/** Collects unless a free block of at least 2^log2 bytes is left. */
export function collectUnlessRoom(log2: i32): void {
  if (!hasFreeBlock(log2)) __collect();
}

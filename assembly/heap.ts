// When to collect. The release build's minimal runtime never collects by
// itself, and a full collection visits every live object and every object
// allocated since the last one. Collecting after every entry spent most of
// a voice action's time in the collector; instead an entry collects only
// when the heap could no longer hold what the next entry may allocate.
//
// What an entry needs is two things: one contiguous block for its largest
// buffer (a network body, whose length is known before it is read; every
// other buffer is a few hundred bytes, the band buffer is allocated once),
// and enough free bytes in all for its small objects.
//
// The allocator (TLSF, ~lib/rt/tlsf) keeps one bit per size class of free
// block in its first-level map: class k >= 1 holds blocks of 2^(k+7) up to
// 2^(k+8) - 1 bytes, so "a free block of at least 2^n bytes exists" is one
// load and one shift. The free bytes in all are the sum over its free lists.
//
// Safe only where nothing managed lives on the stack: at the start or end
// of an exported entry (only globals hold the app), as main.ts calls it.
import { ROOT } from "rt/tlsf";

/** Free bytes kept in all for the next tick, button or utterance (drawing the QR screen takes about 30 KiB). */
export const ENTRY_FREE_BYTES: i32 = 40 * 1024;
/** The largest buffer such an entry allocates at once is far below this (log2: 4 KiB). */
export const ENTRY_BLOCK_LOG2: i32 = 12;

/** TLSF's first level covers classes from 2^8 bytes up (class 1 = 256..511). */
const FL_FIRST_LOG2: i32 = 7;
/** TLSF root layout (~lib/rt/tlsf): flMap, 23 second-level maps, then 23×16 list heads. */
const FL_COUNT: i32 = 23;
const SL_COUNT: i32 = 16;
const SL_START: usize = 4;
const HL_START: usize = 96;
/** A free block: its size word (low 2 bits are flags), prev, next. */
const BLOCK_NEXT: usize = 8;
const BLOCK_OVERHEAD: usize = 4;

/** Whether the heap has a free block of at least 2^log2 bytes. */
export function hasFreeBlock(log2: i32): bool {
  const root = changetype<usize>(ROOT);
  if (root == 0) return true; // nothing allocated yet: the whole heap is free
  const flMap = load<u32>(root);
  return (flMap >>> <u32>(log2 - FL_FIRST_LOG2)) != 0;
}

/** Bytes in free blocks, headers included. */
export function freeBytes(): usize {
  const root = changetype<usize>(ROOT);
  if (root == 0) return <usize>(memory.size() << 16);
  let sum: usize = 0;
  const flMap = load<u32>(root);
  for (let fl = 0; fl < FL_COUNT; fl++) {
    if (((flMap >>> <u32>fl) & 1) == 0) continue;
    const slMap = load<u32>(root + SL_START + (<usize>fl << 2));
    for (let sl = 0; sl < SL_COUNT; sl++) {
      if (((slMap >>> <u32>sl) & 1) == 0) continue;
      let block = load<usize>(root + HL_START + ((<usize>(fl * SL_COUNT + sl)) << 2));
      while (block != 0) {
        sum += (load<usize>(block) & ~<usize>3) + BLOCK_OVERHEAD;
        block = load<usize>(block + BLOCK_NEXT);
      }
    }
  }
  return sum;
}

/** Smallest n with 2^n >= bytes (at least ENTRY_BLOCK_LOG2, at most 31). */
export function blockLog2(bytes: i32): i32 {
  const n = bytes <= 1 ? 0 : 32 - clz<i32>(bytes - 1);
  return n > ENTRY_BLOCK_LOG2 ? n : ENTRY_BLOCK_LOG2;
}

/** Collects unless a free block of 2^blockLog2 bytes and `total` free bytes in all are left. */
export function collectUnlessRoom(blockLog2: i32, total: i32): void {
  if (!hasFreeBlock(blockLog2) || freeBytes() < <usize>total) __collect();
}

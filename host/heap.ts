// What the firmware's heap holds, read from the outside between two entries.
// The release module's allocator is AssemblyScript's TLSF (~lib/rt/tlsf): a
// root of free-list maps right after the static data, then one run of
// blocks up to the end of memory, each with a 4-byte header (size | flags;
// bit 0 = free) and ending in a zero-size tail block. Walking that run
// gives the bytes in blocks that are not free: live objects plus garbage
// not yet collected. Tests and the bench use it to see a leak as memory,
// not only as the trap it ends in.

/** TLSF root: a u32 first-level map, 23 u32 second-level maps, 23×16 list heads, then the tail pointer. */
const ROOT_TAIL_OFFSET = 4 + 23 * 4 + 23 * 16 * 4; // 1568
const ROOT_SIZE = ROOT_TAIL_OFFSET + 4;
const BLOCK_OVERHEAD = 4;
const FREE = 1;
const SIZE_MASK = ~3;

export interface HeapCensus {
  /** Bytes in blocks in use (headers included): live objects and uncollected garbage. */
  used: number;
  /** Bytes in free blocks (headers included). */
  free: number;
  /** The largest free block's payload, bytes. */
  largestFree: number;
  blocks: number;
}

/** End of the static data of a module (from its data section): the heap starts at or after it. */
export function staticDataEnd(wasm: Uint8Array): number {
  let i = 8;
  const leb = (): number => {
    let r = 0, s = 0, b: number;
    do { b = wasm[i++]; r += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
    return r;
  };
  let end = 0;
  while (i < wasm.length) {
    const id = wasm[i++];
    const size = leb();
    const next = i + size;
    if (id === 11) {
      const n = leb();
      for (let k = 0; k < n; k++) {
        const flags = leb();
        if (flags === 1) { i += leb(); continue; } // passive: no address
        if (flags === 2) leb();
        i++; // i32.const
        let off = 0, s = 0, b: number;
        do { b = wasm[i++]; off += (b & 0x7f) * 2 ** s; s += 7; } while (b & 0x80);
        i++; // end
        const len = leb();
        i += len;
        end = Math.max(end, off + len);
      }
    }
    i = next;
  }
  return end;
}

/**
 * Finds the allocator's root (the first 16-byte-aligned address at or after
 * the static data whose tail pointer names the last word of memory) and
 * walks its blocks. Throws when the memory does not look like a TLSF heap.
 */
export function heapCensus(memory: Uint8Array, dataEnd: number): HeapCensus {
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  const tailAt = memory.byteLength - BLOCK_OVERHEAD;
  let root = -1;
  for (let r = (dataEnd + 15) & ~15; r <= dataEnd + 4096 && r + ROOT_SIZE < memory.byteLength; r += 16) {
    if (view.getUint32(r + ROOT_TAIL_OFFSET, true) === tailAt) { root = r; break; }
  }
  if (root < 0) throw new Error("no allocator root found after the static data");
  let block = ((root + ROOT_SIZE + BLOCK_OVERHEAD + 15) & ~15) - BLOCK_OVERHEAD;
  const census: HeapCensus = { used: 0, free: 0, largestFree: 0, blocks: 0 };
  while (block < tailAt) {
    const info = view.getUint32(block, true);
    const size = info & SIZE_MASK;
    if (size === 0) throw new Error(`zero-size block at ${block} before the tail`);
    if (info & FREE) {
      census.free += size + BLOCK_OVERHEAD;
      census.largestFree = Math.max(census.largestFree, size);
    } else {
      census.used += size + BLOCK_OVERHEAD;
    }
    census.blocks++;
    block += BLOCK_OVERHEAD + size;
  }
  if (block !== tailAt) throw new Error(`blocks end at ${block}, not at the tail ${tailAt}`);
  return census;
}

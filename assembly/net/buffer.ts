// One working buffer for the largest transient byte arrays: a network
// answer's body (up to NET_BODY_CAP) while its fw_on_net_response runs,
// an utterance's bytes until they are decoded, the token store's two
// slot buffers while a load, save or wipe runs, and a voice action's
// request bytes from their build until net_request, which copies them.
//
// Allocated once, at its full size, the first time it is needed (at boot
// or the first answer), so the heap never has to find a fresh 16 KiB hole:
// after many refreshes the allocator's free space is scattered between the
// records and strings that outlived them, and a 16 KiB allocation could
// fail although enough memory is free in total.
//
// Users never overlap: the store runs from fw_tick and fw_init, and from an
// answer's entry only after that answer was read (a wipe on invalid_grant or
// 401), never while its bytes are still needed; nothing keeps a view into the
// buffer past the entry that filled it (every value read from an answer is
// copied out).

/** The buffer's size: every board's NET_BODY_CAP, and two 8 KiB slots of the minimum storage. */
export const WORK_BUFFER_BYTES: i32 = 16384;

let work: Uint8Array | null = null;

/**
 * `size` bytes of the working buffer, or a fresh array when `size` is larger
 * than the buffer (a board with a larger cap or storage; not reused).
 */
export function workBuffer(size: i32, offset: i32 = 0): Uint8Array {
  if (offset + size > WORK_BUFFER_BYTES) return new Uint8Array(size);
  if (work === null) work = new Uint8Array(WORK_BUFFER_BYTES);
  return work!.subarray(offset, offset + size);
}

/**
 * The body cap answers are read with: the board's NET_BODY_CAP, at most the
 * buffer's size (0 or less: the board did not say). A board with a larger
 * cap then never makes readResponse allocate a fresh body array.
 */
export function bodyCapFor(boardCap: i32): i32 {
  return boardCap <= 0 || boardCap > WORK_BUFFER_BYTES ? WORK_BUFFER_BYTES : boardCap;
}

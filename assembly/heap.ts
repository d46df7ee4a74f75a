// When to collect. The release build's minimal runtime (AssemblyScript
// 0.28 "tcms") collects only when asked, and a collection marks every live
// object (about 330 once linked) whether one byte or 10 KiB became garbage.
// So each entry point ends with settle(): it collects once the objects
// allocated since the last collection reach COLLECT_AFTER_BYTES, and never
// after an entry that allocated nothing. A voice action allocates about
// 1 KiB, so one collection serves about sixteen actions.
//
// How much was allocated is read from the runtime's own object list. The
// minimal runtime appends every new object at the tail of one circular
// list ("from space"), and only a collection reorders it. A marker object
// moved to the tail at each count is therefore followed, in that list, by
// exactly the objects allocated since, and each is walked once. The marker
// is moved, not made anew, so counting allocates nothing. Growing an object
// from before the marker is not counted: the runtime reallocates it in its
// place in the list and frees the old block at once, so it leaves no
// garbage. Object header (rt/common.ts, rt/tcms.ts): [block size + flags]
// [next | colour][prev][rtId][rtSize], then the object's data; a block
// spans BLOCK_OVERHEAD + (size & ~3) bytes. test/unit/heap.spec.ts runs on
// that runtime and fails if the layout ever changes.
import { BLOCK_OVERHEAD, TOTAL_OVERHEAD } from "rt/common";

/** Garbage allowed to wait for a later entry, bytes (boards/ABI.md §3 counts it in the peaks). */
export const COLLECT_AFTER_BYTES: usize = 16384;

class Marker {}

/** The newest marker: the objects after it in the list are not counted yet. */
let marker: Marker | null = null;
/** Bytes allocated since the last collection, up to the marker. */
let counted: usize = 0;
/** The list's head, where a walk from the marker ends. */
let listHead: usize = 0;

@inline function headerOf(obj: usize): usize {
  return obj - TOTAL_OVERHEAD;
}

@inline function nextOf(header: usize): usize {
  return load<usize>(header, 4) & ~3;
}

@inline function blockBytes(header: usize): usize {
  return BLOCK_OVERHEAD + (load<usize>(header) & ~3);
}

/** Points `header`'s next at `to`, keeping its colour bits. */
@inline function setNext(header: usize, to: usize): void {
  store<usize>(header, to | (load<usize>(header, 4) & 3), 4);
}

/**
 * Counts the objects allocated since the marker and moves the marker to
 * the list's tail, after them, so each object is walked once.
 */
function count(): usize {
  const m = headerOf(changetype<usize>(marker));
  let h = nextOf(m);
  if (h != listHead) {
    do {
      counted += blockBytes(h);
      h = nextOf(h);
    } while (h != listHead);
    // Unlink the marker, then link it between the tail and the head.
    const prev = load<usize>(m, 8);
    const next = nextOf(m);
    const tail = load<usize>(h, 8);
    setNext(prev, next);
    store<usize>(next, prev, 8);
    setNext(tail, m);
    store<usize>(m, tail, 8);
    setNext(m, h);
    store<usize>(h, m, 8);
  }
  return counted;
}

/** Collects now and starts counting again. Nothing managed may be on the stack. */
export function collect(): void {
  marker = null;
  __collect();
  const m = new Marker();
  marker = m;
  counted = 0;
  listHead = nextOf(headerOf(changetype<usize>(m)));
}

/** The policy: collect once `allocated` bytes may be garbage (pure; tested in heap.spec). */
export function shouldCollect(allocated: usize, limit: usize): bool {
  return allocated >= limit;
}

/** End of an entry point: collects when enough garbage may be waiting. */
export function settle(): void {
  if (marker === null || shouldCollect(count(), COLLECT_AFTER_BYTES)) collect();
}

/** Bytes allocated since the last collection (counts them now). */
export function allocatedSinceCollect(): usize {
  return marker === null ? 0 : count();
}

// Peak linear memory of a module whose memory never grows (the release
// build declares 2 pages, initial = maximum), measured from the host.
//
// Before the module's start function runs, every byte above the static
// data (the heap) is painted with one value. The allocator hands out
// memory from the bottom of the heap upwards and the runtime zeroes every
// object it allocates, so the highest byte that no longer holds the paint
// is the highest address the heap has ever used: a high-water mark that
// includes garbage not yet collected, which is what must fit. The top
// bytes are left out: the allocator keeps its end-of-memory sentinel and
// the last free block's back pointer there from the start.

import { anatomy } from "./anatomy.ts";
import { heapCensus, HeapCensus } from "../host/heap.ts";

const PAINT = 0xa7;
/** Bytes at the top of memory the allocator writes at initialization. */
const TOP_SKIP = 64;

/** First byte after the static data (16-byte aligned): where the heap begins. */
export function heapBase(wasm: Uint8Array): number {
  return (anatomy(wasm).data.linearEnd + 15) & ~15;
}

export class HeapWatch {
  private memory: WebAssembly.Memory | null = null;

  /**
   * Watches every instance `rt` (a host Runtime, possibly already wrapped)
   * creates from now on: its `exports` field is set with the fresh instance
   * before the module's start function runs.
   */
  constructor(rt: object, private readonly base: number) {
    const target = rt as { exports: unknown };
    const desc = Object.getOwnPropertyDescriptor(target, "exports");
    let plain: unknown = desc && !desc.get ? desc.value : undefined;
    Object.defineProperty(target, "exports", {
      configurable: true,
      enumerable: true,
      get: () => (desc?.get ? desc.get.call(target) : plain),
      set: (ex: { memory?: WebAssembly.Memory } | null) => {
        if (ex && ex.memory instanceof WebAssembly.Memory) this.paint(ex.memory);
        if (desc?.set) desc.set.call(target, ex);
        else plain = ex;
      },
    });
  }

  private paint(m: WebAssembly.Memory): void {
    this.memory = m;
    const b = new Uint8Array(m.buffer);
    if (this.base < b.length - TOP_SKIP) b.fill(PAINT, this.base, b.length - TOP_SKIP);
  }

  /** Linear memory the current instance has used at its peak so far, bytes (0 before the first instance). */
  peak(): number {
    if (!this.memory) return 0;
    const b = new Uint8Array(this.memory.buffer);
    for (let i = b.length - TOP_SKIP - 1; i >= this.base; i--) {
      if (b[i] !== PAINT) return i + 1;
    }
    return this.base;
  }

  /**
   * The allocator's blocks now (host/heap.ts): bytes in use, live objects
   * plus garbage not yet collected. Between entries only.
   */
  census(dataEnd: number): HeapCensus | null {
    return this.memory ? heapCensus(new Uint8Array(this.memory.buffer), dataEnd) : null;
  }

  /** The memory's size now, bytes. */
  size(): number {
    return this.memory ? this.memory.buffer.byteLength : 0;
  }
}

// Zeroes the block-size word (mmInfo) of every static object in the data
// section of a module built with asc's minimal runtime, in place. The
// build runs it through tools/finish.mjs, between asc and wasm-opt.
//
// asc lays each static string, buffer and array out in linear memory with
// the runtime's 20-byte header: mmInfo (the TLSF block size), two GC link
// words, the class id and the payload size. The minimal runtime (tcms +
// tlsf) never reads mmInfo of an object below __heap_base: __collect skips
// static objects, __renew copies a static object by its payload size into
// a new heap block, and __free returns early. Yet that one non-zero byte
// costs a data segment of its own (about 8 bytes: wasm-opt's memory
// packing splits the header at the 11 zero bytes after it), for each of
// the ~500 static objects. Zeroed, wasm-opt -Oz drops those segments.
//
// Only objects found by walking the chain of headers are touched: each
// header must say a block size that matches its payload size and its
// alignment, and have zero GC words; the walk stops at the first place
// that does not look like a header.
import { dataSegments } from "./wasm-sections.mjs";

export function zeroStaticHeaders(b) {
  const segs = dataSegments(b);
  if (segs.length === 0) return 0;
  // Memory offset -> file offset of each byte the data section sets.
  const where = new Map();
  for (const s of segs) for (let k = 0; k < s.len; k++) where.set(s.offset + k, s.file + k);
  const byte = (o) => (where.has(o) ? b[where.get(o)] : 0);
  const u32 = (o) => (byte(o) | (byte(o + 1) << 8) | (byte(o + 2) << 16) | (byte(o + 3) << 24)) >>> 0;
  const end = Math.max(...segs.map((s) => s.offset + s.len));
  // A header is recognised by its own content: a block size that matches
  // its payload size and alignment, and zero GC words. Raw tables
  // (memory.data, e.g. the number formatter's digit pairs) sit between the
  // objects without a header; after one, the walk resumes at the next
  // segment that starts with a header.
  const isHeader = (p) => (p + 20) % 16 === 0 && u32(p) === ((20 + u32(p + 16) + 15) & ~15) - 4 && u32(p + 4) === 0 && u32(p + 8) === 0;
  const starts = [...new Set(segs.map((s) => s.offset))].sort((x, y) => x - y);
  let zeroed = 0;
  let p = starts[0];
  while (p !== undefined && p + 20 <= end) {
    if (isHeader(p)) {
      const size = u32(p);
      for (let k = 0; k < 4; k++) if (where.has(p + k)) b[where.get(p + k)] = 0;
      zeroed++;
      p += 4 + size;
      continue;
    }
    p = starts.find((s) => s > p);
  }
  return zeroed;
}

// Reading a WebAssembly binary without instantiating it.

export function leb(bytes: Uint8Array, at: { i: number }): number {
  let result = 0, shift = 0, b: number;
  do {
    if (at.i >= bytes.length) throw new Error("truncated LEB128");
    b = bytes[at.i++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return result;
}

/**
 * Initial and maximum size, in 64 KiB pages, of the module's own linear
 * memory: the memory section (id 5), or an imported memory in the import
 * section (id 2) when the module defines none.
 */
export function memoryLimits(bytes: Uint8Array): { initial: number; maximum: number | null; imported: boolean } {
  if (bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) throw new Error("not a wasm binary");
  const at = { i: 8 };
  const limits = () => {
    const flags = leb(bytes, at);
    const initial = leb(bytes, at);
    const maximum = flags & 1 ? leb(bytes, at) : null;
    return { initial, maximum };
  };
  const name = () => {
    const n = leb(bytes, at);
    at.i += n;
  };
  let imported: { initial: number; maximum: number | null } | null = null;
  while (at.i < bytes.length) {
    const id = bytes[at.i++];
    const size = leb(bytes, at);
    const end = at.i + size;
    if (id === 5) {
      if (leb(bytes, at) < 1) break;
      return { ...limits(), imported: false };
    }
    if (id === 2) {
      const count = leb(bytes, at);
      for (let k = 0; k < count && at.i < end; k++) {
        name();
        name();
        const kind = bytes[at.i++];
        if (kind === 0) leb(bytes, at); // function: type index
        else if (kind === 1) { at.i++; limits(); } // table: reftype, limits
        else if (kind === 2) { const l = limits(); imported ??= l; }
        else if (kind === 3) at.i += 2; // global: valtype, mutability
        else break;
      }
    }
    at.i = end;
  }
  if (imported) return { ...imported, imported: true };
  throw new Error("the module has no linear memory");
}

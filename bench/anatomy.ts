// Where the bytes of a module go: its sections, the code section by
// source (from the function names of a build with a name section), and
// the data section's string literals. Reads binaries only.
//
//   node --import tsx bench/anatomy.ts FILE.wasm     prints one JSON object

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { leb } from "./wasm.ts";

const SECTION_NAMES: Record<number, string> = {
  0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
  8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount",
};

function utf8(bytes: Uint8Array, at: { i: number }): string {
  const n = leb(bytes, at);
  const s = Buffer.from(bytes.subarray(at.i, at.i + n)).toString("utf8");
  at.i += n;
  return s;
}

export interface Anatomy {
  total: number;
  /** Bytes per section (header included); custom sections by name. */
  sections: Record<string, number>;
  /** Code bytes per source group (see groupOf), largest first. */
  code: { group: string; bytes: number; functions: number }[];
  /** The largest functions. */
  largest: { name: string; bytes: number }[];
  /** Data: segment payload bytes, and what looks like UTF-16 string literals in it. */
  data: { bytes: number; segments: number; strings: number; stringBytes: number; stringChars: number; linearEnd: number };
}

/** The source a function name comes from: a folder of assembly/, or a library. */
export function groupOf(name: string): string {
  if (name.startsWith("~lib/rt/")) return "runtime (~lib/rt)";
  if (name.startsWith("~lib/json-as/") || name.includes("json-as")) return "json-as";
  if (name.startsWith("~lib/@assemblyscript/wasi-shim") || name.includes("wasi")) return "WASI shim";
  if (name.startsWith("~lib/util/number") || name.startsWith("~lib/number") || name.includes("dtoa") || name.includes("strtod")) return "std: number formatting/parsing";
  if (name.startsWith("~lib/string") || name.startsWith("~lib/util/string")) return "std: string";
  if (name.startsWith("~lib/")) return "std: other";
  const m = /^(assembly\/[a-z_]+)\/?([a-z_]+)?/.exec(name);
  if (m) return m[2] && m[1] !== "assembly/app" && m[1] !== "assembly/main" ? `${m[1]}/` : m[1];
  if (name.startsWith("start:")) return "module start";
  return "other";
}

export function anatomy(bytes: Uint8Array): Anatomy {
  const at = { i: 8 };
  const sections: Record<string, number> = {};
  let importedFuncs = 0;
  const bodySizes: number[] = [];
  const names = new Map<number, string>();
  let dataBytes = 0, segments = 0, strings = 0, stringBytes = 0, stringChars = 0, linearEnd = 0;
  while (at.i < bytes.length) {
    const start = at.i;
    const id = bytes[at.i++];
    const size = leb(bytes, at);
    const end = at.i + size;
    let key = SECTION_NAMES[id] ?? `id ${id}`;
    if (id === 0) {
      const p = { i: at.i };
      const cname = utf8(bytes, p);
      key = `custom "${cname}"`;
      if (cname === "name") {
        while (p.i < end) {
          const sub = bytes[p.i++];
          const len = leb(bytes, p);
          const subEnd = p.i + len;
          if (sub === 1) {
            const count = leb(bytes, p);
            for (let k = 0; k < count; k++) {
              const idx = leb(bytes, p);
              names.set(idx, utf8(bytes, p));
            }
          }
          p.i = subEnd;
        }
      }
    } else if (id === 2) {
      const p = { i: at.i };
      const count = leb(bytes, p);
      for (let k = 0; k < count; k++) {
        utf8(bytes, p);
        utf8(bytes, p);
        const kind = bytes[p.i++];
        if (kind === 0) {
          leb(bytes, p);
          importedFuncs++;
        } else if (kind === 1) {
          p.i++;
          const f = leb(bytes, p);
          leb(bytes, p);
          if (f & 1) leb(bytes, p);
        } else if (kind === 2) {
          const f = leb(bytes, p);
          leb(bytes, p);
          if (f & 1) leb(bytes, p);
        } else if (kind === 3) p.i += 2;
      }
    } else if (id === 10) {
      const p = { i: at.i };
      const count = leb(bytes, p);
      for (let k = 0; k < count; k++) {
        const s0 = p.i;
        const len = leb(bytes, p);
        p.i += len;
        bodySizes.push(p.i - s0);
      }
    } else if (id === 11) {
      const p = { i: at.i };
      const count = leb(bytes, p);
      for (let k = 0; k < count; k++) {
        const flags = leb(bytes, p);
        let offset = 0;
        if (flags === 0 || flags === 2) {
          if (flags === 2) leb(bytes, p);
          const op = bytes[p.i++];
          if (op === 0x41) {
            // i32.const, signed LEB128: the offsets are small and positive.
            offset = leb(bytes, p);
          } else while (bytes[p.i] !== 0x0b) p.i++;
          p.i++; // end
        }
        const len = leb(bytes, p);
        const payload = bytes.subarray(p.i, p.i + len);
        p.i += len;
        segments++;
        dataBytes += len;
        linearEnd = Math.max(linearEnd, offset + len);
        // An AssemblyScript string literal: its object header ends with
        // rtId 2 (String) and rtSize, then the UTF-16 code units. Binaryen
        // splits the zero bytes of the header off, so the segment starts
        // at rtId.
        if (len >= 8 && payload[0] === 2 && payload[1] === 0 && payload[2] === 0 && payload[3] === 0) {
          const rtSize = payload[4] | (payload[5] << 8) | (payload[6] << 16) | (payload[7] << 24);
          if (rtSize >= 0 && rtSize % 2 === 0 && rtSize + 8 >= len && rtSize + 8 - len < 8) {
            strings++;
            stringBytes += len;
            stringChars += rtSize / 2;
          }
        }
      }
    }
    sections[key] = (sections[key] ?? 0) + (end - start);
    at.i = end;
  }
  const groups = new Map<string, { bytes: number; functions: number }>();
  const fns: { name: string; bytes: number }[] = [];
  bodySizes.forEach((b, k) => {
    const name = names.get(importedFuncs + k) ?? `function ${importedFuncs + k}`;
    fns.push({ name, bytes: b });
    const g = groupOf(name);
    const e = groups.get(g) ?? { bytes: 0, functions: 0 };
    e.bytes += b;
    e.functions++;
    groups.set(g, e);
  });
  fns.sort((a, b) => b.bytes - a.bytes);
  return {
    total: bytes.length,
    sections,
    code: [...groups.entries()].map(([group, v]) => ({ group, ...v })).sort((a, b) => b.bytes - a.bytes),
    largest: fns.slice(0, 25),
    data: { bytes: dataBytes, segments, strings, stringBytes, stringChars, linearEnd },
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(JSON.stringify(anatomy(new Uint8Array(readFileSync(process.argv[2]))), null, 1) + "\n");
}

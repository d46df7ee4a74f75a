// The module's contract with boards (boards/ABI.md): it imports nothing but
// the board ABI and the four WASI calls the page lists, exports the entry
// points the page lists, declares a fixed memory, and uses no SIMD.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../support/device.ts";

const wasm = readFileSync(join(ROOT, "build", "firmware.wasm"));
const mod = new WebAssembly.Module(wasm);
const abiPage = readFileSync(join(ROOT, "boards", "ABI.md"), "utf8");

const WASI_ALLOWED = new Set(["fd_write", "proc_exit", "random_get", "clock_time_get"]);

test("imports are only board.* listed in boards/ABI.md and the allowed WASI calls", () => {
  const imports = WebAssembly.Module.imports(mod);
  assert.ok(imports.length > 0);
  for (const imp of imports) {
    assert.equal(imp.kind, "function", `${imp.module}.${imp.name} is a function`);
    if (imp.module === "wasi_snapshot_preview1") {
      assert.ok(WASI_ALLOWED.has(imp.name), `WASI import ${imp.name} is allowed`);
    } else {
      assert.equal(imp.module, "board", `import module ${imp.module} is board`);
      assert.ok(abiPage.includes("`" + imp.name + "("), `board.${imp.name} is documented in boards/ABI.md`);
    }
  }
});

test("exports are the documented entry points", () => {
  const names = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
  for (const need of ["memory", "_start", "fw_abi_version", "fw_init", "fw_tick", "fw_on_net_response", "fw_on_button", "fw_on_utterance"]) {
    assert.ok(names.includes(need), `exports ${need}`);
    assert.ok(abiPage.includes("`" + need + "`"), `${need} is documented`);
  }
});

test("memory has a fixed maximum and the module uses no SIMD (wasm3 has none)", () => {
  // Memory section: find the memory import/definition limits by instantiating with a stub.
  const text = wasm.toString("latin1");
  // v128 opcodes are prefixed 0xFD; WebAssembly.validate with SIMD disabled is not available
  // in Node, so check the type section for v128 (0x7B) in function signatures instead.
  const memDecl = readMemoryLimits(wasm);
  assert.ok(memDecl.max !== null, "maximum memory declared");
  assert.ok(memDecl.max! <= 64, `maximum ${memDecl.max} pages (<= 4 MiB)`);
  assert.ok(memDecl.initial >= 1);
  assert.ok(!hasV128Types(wasm), "no v128 in any function type");
  assert.ok(text.length > 0);
});

/** Reads the (single) memory section's limits from the binary. */
function readMemoryLimits(bin: Buffer): { initial: number; max: number | null } {
  let p = 8;
  while (p < bin.length) {
    const id = bin[p++];
    const [size, n1] = leb(bin, p);
    p += n1;
    if (id === 5) {
      let q = p;
      const [count, n2] = leb(bin, q); q += n2;
      assert.equal(count, 1);
      const flags = bin[q++];
      const [initial, n3] = leb(bin, q); q += n3;
      const max = flags & 1 ? leb(bin, q)[0] : null;
      return { initial, max };
    }
    p += size;
  }
  throw new Error("no memory section");
}

function hasV128Types(bin: Buffer): boolean {
  let p = 8;
  while (p < bin.length) {
    const id = bin[p++];
    const [size, n1] = leb(bin, p);
    p += n1;
    if (id === 1) return bin.subarray(p, p + size).includes(0x7b);
    p += size;
  }
  return false;
}

function leb(b: Buffer, p: number): [number, number] {
  let r = 0, shift = 0, n = 0;
  for (;;) {
    const x = b[p + n++];
    r |= (x & 0x7f) << shift;
    shift += 7;
    if (!(x & 0x80)) return [r, n];
  }
}

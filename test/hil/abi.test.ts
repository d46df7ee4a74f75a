// The module's contract with boards (boards/ABI.md): it imports nothing but
// the board ABI and the three WASI calls the page lists, exports the entry
// points the page lists, declares a fixed memory, and uses no SIMD; every
// import the page documents is one the module really makes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../support/device.ts";

const wasm = readFileSync(join(ROOT, "build", "firmware.wasm"));
const mod = new WebAssembly.Module(wasm);
const abiPage = readFileSync(join(ROOT, "boards", "ABI.md"), "utf8");

const WASI_ALLOWED = new Set(["fd_write", "proc_exit", "random_get"]);

/** The board imports boards/ABI.md lists in its import table (one `| \`name(…) -> …\` |` row each). */
function documentedImports(page: string): string[] {
  return [...page.matchAll(/^\| `([a-z_0-9]+)\(/gm)].map((m) => m[1]);
}

test("imports are only board.* listed in boards/ABI.md and the allowed WASI calls", () => {
  const imports = WebAssembly.Module.imports(mod);
  const documented = new Set(documentedImports(abiPage));
  assert.ok(documented.size >= 10, `the import table was found in boards/ABI.md (${documented.size} rows)`);
  for (const imp of imports) {
    assert.equal(imp.kind, "function", `${imp.module}.${imp.name} is a function`);
    if (imp.module === "wasi_snapshot_preview1") {
      assert.ok(WASI_ALLOWED.has(imp.name), `WASI import ${imp.name} is allowed`);
    } else {
      assert.equal(imp.module, "board", `import module ${imp.module} is board`);
      assert.ok(documented.has(imp.name), `board.${imp.name} is in the import table of boards/ABI.md`);
    }
  }
});

test("every import boards/ABI.md documents is one the module really imports", () => {
  const imported = new Set(WebAssembly.Module.imports(mod).map((i) => i.name));
  const documented = documentedImports(abiPage);
  assert.ok(documented.length > 0);
  for (const name of documented) assert.ok(imported.has(name), `${name} is documented but the module does not import it`);
});

test("exports are the documented entry points", () => {
  const names = WebAssembly.Module.exports(mod).map((e) => e.name).sort();
  for (const need of ["memory", "_start", "fw_abi_version", "fw_init", "fw_tick", "fw_on_net_response", "fw_on_button", "fw_on_utterance"]) {
    assert.ok(names.includes(need), `exports ${need}`);
    assert.ok(abiPage.includes("`" + need + "`"), `${need} is documented`);
  }
});

test("memory has a fixed maximum", () => {
  const memDecl = readMemoryLimits(wasm);
  assert.ok(memDecl.max !== null, "maximum memory declared");
  assert.ok(memDecl.max! <= 64, `maximum ${memDecl.max} pages (<= 4 MiB)`);
  assert.ok(memDecl.initial >= 1);
});

/** SIMD instructions in function bodies, as wabt disassembles them (wasm3 has no SIMD). */
function simdInstructions(file: string): string[] {
  const dis = execFileSync("wasm-objdump", ["-d", file], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return dis.split("\n").filter((l) => /\|\s*(v128|[if](8x16|16x8|32x4|64x2))\./.test(l));
}

test("no SIMD anywhere: no v128 in a function type and no SIMD instruction in a function body", () => {
  assert.ok(!hasV128Types(wasm), "no v128 in any function type");
  const found = simdInstructions(join(ROOT, "build", "firmware.wasm"));
  assert.deepEqual(found.slice(0, 5), [], "no SIMD instruction in the module");
  // The check itself can fail: a body-only SIMD use (no v128 in any signature) is found.
  const dir = mkdtempSync(join(tmpdir(), "linkfw-simd-"));
  try {
    writeFileSync(join(dir, "s.wat"), `(module (memory 1) (func (export "f") (result i32)
      (i32x4.extract_lane 0 (i32x4.add (v128.load (i32.const 0)) (v128.load (i32.const 16))))))`);
    execFileSync("wat2wasm", [join(dir, "s.wat"), "-o", join(dir, "s.wasm")]);
    assert.ok(!hasV128Types(readFileSync(join(dir, "s.wasm"))), "the sample hides SIMD from the type section");
    assert.ok(simdInstructions(join(dir, "s.wasm")).length >= 2, "and the body check finds it");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

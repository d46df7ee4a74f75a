// The steps after asc that make the release module, in one place for the
// build script (package.json "build") and the bench's size figures
// (bench/size.ts), so both measure the same bytes:
//
//   node tools/finish.mjs build/firmware.wasm [--keep-names]
//
// 1. zero the block-size word of static objects (tools/static-headers.mjs);
// 2. binaryen's wasm-opt -Oz until it stops improving, tiny functions
//    inlined, with only the features boards/ABI.md lists.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zeroStaticHeaders } from "./static-headers.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WASM_OPT = join(ROOT, "node_modules", ".bin", "wasm-opt");

export const WASM_OPT_ARGS = [
  // -aimfs 4 inlines functions of up to 4 instructions everywhere, such as
  // the runtime's header getters the collector calls per object: the
  // module is 72 B smaller and a voice action faster than with -Oz's 2.
  "-Oz", "--converge", "--always-inline-max-function-size", "4",
  "--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int",
];

/** Finishes the module at `path` in place; returns how many static headers were zeroed. */
export function finishModule(path, keepNames = false) {
  const b = readFileSync(path);
  const zeroed = zeroStaticHeaders(b);
  writeFileSync(path, b);
  execFileSync(WASM_OPT, [path, ...WASM_OPT_ARGS, ...(keepNames ? ["-g"] : []), "-o", path], { stdio: ["ignore", "ignore", "inherit"] });
  return zeroed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv[2];
  if (!path) {
    console.error("usage: node tools/finish.mjs FILE.wasm [--keep-names]");
    process.exit(2);
  }
  finishModule(path, process.argv.includes("--keep-names"));
}

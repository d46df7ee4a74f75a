// The steps after asc that make the release module, in one place for the
// build script (package.json "build") and the bench's size figures
// (bench/size.ts), so both measure the same bytes:
//
//   node tools/finish.mjs build/firmware.wasm [--keep-names]
//
// 1. zero the block-size word of static objects (tools/static-headers.mjs);
// 2. binaryen's wasm-opt -Oz until it stops improving, tiny functions
//    inlined, with only the features boards/ABI.md lists;
// 3. when asc ran with the static-items transform (package.json "build"),
//    zero the static data no code can reach any more (tools/dead-data.mjs)
//    and let wasm-opt's memory packing drop it.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { zeroStaticHeaders } from "./static-headers.mjs";
import { zeroDeadData } from "./dead-data.mjs";
import { SECTION as ITEMS_SECTION } from "./static-items.mjs";
import { customSection, withoutCustomSection } from "./wasm-sections.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const WASM_OPT = join(ROOT, "node_modules", ".bin", "wasm-opt");

export const FEATURES = ["--enable-bulk-memory", "--enable-sign-ext", "--enable-mutable-globals", "--enable-nontrapping-float-to-int"];

export const WASM_OPT_ARGS = [
  // -aimfs 4 inlines functions of up to 4 instructions everywhere, such as
  // the runtime's header getters the collector calls per object: the
  // module is 72 B smaller and a voice action faster than with -Oz's 2.
  "-Oz", "--converge", "--always-inline-max-function-size", "4",
  ...FEATURES,
];

/** The static items recorded by tools/static-items.mjs, or null. */
function staticItems(b) {
  const sec = customSection(b, ITEMS_SECTION);
  if (sec === null) return null;
  const v = new DataView(sec.buffer, sec.byteOffset, sec.byteLength);
  const items = [];
  for (let i = 0; i + 8 <= sec.byteLength; i += 8) items.push({ offset: v.getUint32(i, true), len: v.getUint32(i + 4, true) });
  return items;
}

/**
 * Finishes the module at `path` in place. Returns how many static headers
 * were zeroed, and how many unreachable static items and bytes were dropped
 * (0 when asc did not record the items).
 */
export function finishModule(path, keepNames = false) {
  const raw = readFileSync(path);
  const items = staticItems(raw);
  const b = withoutCustomSection(raw, ITEMS_SECTION);
  const zeroed = zeroStaticHeaders(b);
  writeFileSync(path, b);
  const names = keepNames ? ["-g"] : [];
  execFileSync(WASM_OPT, [path, ...WASM_OPT_ARGS, ...names, "-o", path], { stdio: ["ignore", "ignore", "inherit"] });
  const dead = { zeroed: 0, bytes: 0 };
  if (items !== null) {
    const opt = readFileSync(path);
    Object.assign(dead, zeroDeadData(opt, items));
    if (dead.zeroed > 0) {
      writeFileSync(path, opt);
      execFileSync(WASM_OPT, [path, "--memory-packing", ...FEATURES, ...names, "-o", path], { stdio: ["ignore", "ignore", "inherit"] });
    }
  }
  return { headers: zeroed, deadItems: dead.zeroed, deadBytes: dead.bytes };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = process.argv[2];
  if (!path) {
    console.error("usage: node tools/finish.mjs FILE.wasm [--keep-names]");
    process.exit(2);
  }
  finishModule(path, process.argv.includes("--keep-names"));
}

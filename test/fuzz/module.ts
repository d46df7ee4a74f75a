// Builds the fuzz entries (test/fuzz/entries.ts) with the release settings
// into build/fuzz.wasm when any firmware source is newer than the module.
import { readFileSync, readdirSync, existsSync, statSync } from "node:fs";
import { join } from "node:path";
import asc from "assemblyscript/asc";
import { paintHeap } from "./board.ts";
import { heapBase } from "../../bench/memory.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
export const FUZZ_WASM = join(ROOT, "build/fuzz.wasm");

function newest(dir: string): number {
  let t = 0;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, f.name);
    t = Math.max(t, f.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

let building: Promise<WebAssembly.Module> | null = null;

export function fuzzModule(): Promise<WebAssembly.Module> {
  building ??= (async () => {
    const sources = Math.max(newest(join(ROOT, "assembly")), statSync(join(ROOT, "test/fuzz/entries.ts")).mtimeMs,
      statSync(join(ROOT, "test/fuzz/memory_entries.ts")).mtimeMs, statSync(join(ROOT, "asconfig.json")).mtimeMs);
    if (!existsSync(FUZZ_WASM) || statSync(FUZZ_WASM).mtimeMs <= sources) {
      const { error, stderr } = await asc.main(["test/fuzz/entries.ts", "--config", "asconfig.json", "--target", "release", "--outFile", FUZZ_WASM], {});
      if (error) throw new Error("fuzz entries do not compile:\n" + stderr.toString());
    }
    return new WebAssembly.Module(readFileSync(FUZZ_WASM));
  })();
  return building;
}

/** An instance of a module built from entries.ts or memory_entries.ts (WASI imports stubbed). */
export function instantiate(mod: WebAssembly.Module, bytes?: Uint8Array): any {
  const wasi = { fd_write: () => 0, proc_exit: (c: number) => { throw new Error("proc_exit " + c); }, random_get: () => 0, clock_time_get: () => 0 };
  const ex: any = { ...new WebAssembly.Instance(mod, { wasi_snapshot_preview1: wasi } as any).exports };
  const base = paintHeap(ex.memory, heapBase(bytes ?? readFileSync(FUZZ_WASM)));
  ex._start?.();
  /** Heap high-water mark so far, bytes of linear memory (see FuzzBoard.heapHighWater). */
  ex.heapHighWater = (): number => {
    const m = new Uint8Array(ex.memory.buffer);
    for (let i = m.length - 65; i >= base; i--) if (m[i] !== 0xa7) return i + 1;
    return base;
  };
  return ex;
}

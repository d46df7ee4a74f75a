// Compiles every AssemblyScript spec in test/unit/ to build/test/<name>.wasm
// with the same config as the firmware (WASI shim, json-as transform).
import asc from "assemblyscript/asc";
import { readdirSync, mkdirSync } from "node:fs";
import { join, basename } from "node:path";

const dir = "test/unit";
const only = process.argv.slice(2);
const specs = readdirSync(dir)
  .filter((f) => f.endsWith(".spec.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
mkdirSync("build/test", { recursive: true });

// json-as writes strings in its plain (NAIVE) mode, as the firmware build
// does (package.json "build"): the word-at-a-time mode is ~850 bytes larger.
process.env.JSON_MODE = "NAIVE";

// Specs of code that reads the minimal runtime's own structures run on it,
// as the release module does; the rest keep the test target's collector.
const MINIMAL_RUNTIME = new Set(["heap.spec.ts"]);

let failed = 0;
// asc is not re-entrant across parallel calls in one process, so compile in turn.
for (const spec of specs) {
  const out = join("build/test", basename(spec, ".ts") + ".wasm");
  const { error, stderr } = await asc.main(
    [join(dir, spec), "--config", "asconfig.json", "--target", "test", "--outFile", out,
      ...(MINIMAL_RUNTIME.has(spec) ? ["--runtime", "minimal"] : [])],
    {},
  );
  if (error) {
    failed++;
    console.error(`compile failed: ${spec}\n${stderr.toString()}`);
  }
}
console.log(`compiled ${specs.length - failed}/${specs.length} unit specs`);
process.exit(failed ? 1 : 0);

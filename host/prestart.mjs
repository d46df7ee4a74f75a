// Runs before `npm start`: builds the firmware only when build/firmware.wasm
// is missing or older than one of its sources, and keeps stdout clean (the
// simulator's headless mode owns stdout: JSON lines only). Progress and
// compiler output go to stderr; the compiler's output only when it fails or
// warns about more than its own optimizer.
import { existsSync, readdirSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const wasm = join(root, "build", "firmware.wasm");

/** Newest modification time (ms) among the files under `dir`. */
function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** The firmware's sources: the AssemblyScript tree, the build config and the pinned compiler. */
export function sourcesTime() {
  const files = ["asconfig.json", "package.json", "package-lock.json"].map((f) => join(root, f)).filter(existsSync);
  return Math.max(newest(join(root, "assembly")), ...files.map((f) => statSync(f).mtimeMs));
}

export function upToDate() {
  return existsSync(wasm) && statSync(wasm).mtimeMs >= sourcesTime();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!upToDate()) {
    process.stderr.write("building the firmware (build/firmware.wasm is missing or older than its sources)...\n");
    const r = spawnSync("npm", ["run", "-s", "build"], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const output = `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n")
      .filter((l) => l.trim() && l.trim() !== "Last converge was suboptimal.").join("\n");
    if (output) process.stderr.write(output + "\n");
    if (r.status !== 0) {
      process.stderr.write("the firmware did not build; see the compiler's messages above\n");
      process.exit(r.status ?? 1);
    }
  }
}

// Makes `npm start` and `npm test` work on a fresh clone: installs what is
// missing (npm packages; for tests also the wasmtime wheel and Debian
// tools such as wabt and gcc for the C board, through .ci/setup) and does nothing when everything is there.
import { existsSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const mode = process.argv[2] ?? "start";
const run = (cmd, args) => {
  // stdout belongs to the program being started (JSON lines in headless mode).
  const r = spawnSync(cmd, args, { cwd: root, stdio: ["inherit", 2, 2] });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

const haveModules = existsSync(join(root, "node_modules", ".package-lock.json"));
if (mode === "test") {
  const haveVenv = existsSync(join(root, ".venv", "bin", "python")) &&
    spawnSync(join(root, ".venv", "bin", "python"), ["-c", "import wasmtime"], { stdio: "ignore" }).status === 0;
  const have = (tool) => spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status === 0;
  const haveTools = ["wasm2c", "gcc", "make"].every(have);
  if (!haveModules || !haveVenv || !haveTools) {
    console.error("first run: installing test dependencies (.ci/setup)");
    run("bash", [join(root, ".ci", "setup")]);
  }
} else if (!haveModules) {
  console.error("first run: installing npm packages (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

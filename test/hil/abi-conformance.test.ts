// boards/abi.json is the one description of the board ABI. Every copy of
// its numbers (firmware, Node host, wasmtime board, C board, ABI.md) and the
// built module's imports and exports must agree with it; and the checker
// must notice when one place alone changes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "../support/device.ts";
import { loadAbi, readSources, readModuleShape, checkAll, checkFirmware, checkHost, checkPython, checkC, checkAbiPage, checkModule, Sources } from "../support/abi_check.ts";
import { boardCap } from "../../host/runtime.ts";
import type { BoardProfile } from "../../host/profile.ts";

const abi = loadAbi(ROOT);
const sources = readSources(ROOT);
const wasmPath = join(ROOT, "build", "firmware.wasm");
const shape = readModuleShape(readFileSync(wasmPath));

test("firmware, Node host, wasmtime board, C board, ABI.md and the module all agree with boards/abi.json", () => {
  assert.deepEqual(checkAll(abi, sources, shape), []);
});

/** Replaces exactly one occurrence, so a mutation that misses its target fails loudly. */
function mutate(s: Sources, key: keyof Sources, from: RegExp, to: string): Sources {
  const text = s[key];
  const hits = text.match(new RegExp(from.source, "g" + from.flags))?.length ?? 0;
  assert.equal(hits, 1, `mutation target ${from} found once in ${key}`);
  return { ...s, [key]: text.replace(from, to) };
}

const NEW_ID = String(abi.caps.NET_BODY_CAP + 40);

test("a capability id changed in one place only is caught, in each place", () => {
  const cases: [string, Sources, (a: typeof abi, s: Sources) => string[]][] = [
    ["firmware", mutate(sources, "firmwareBoard", /NetBodyCap = \d+/, `NetBodyCap = ${NEW_ID}`), checkFirmware],
    ["host", mutate(sources, "host", /case \d+: return p\.netBodyCap;/, `case ${NEW_ID}: return p.netBodyCap;`), checkHost],
    ["wasmtime board", mutate(sources, "python", /^CAP_NET_BODY_CAP = \d+$/m, `CAP_NET_BODY_CAP = ${NEW_ID}`), checkPython],
    ["C board", mutate(sources, "c", /^#define CAP_NET_BODY_CAP \d+$/m, `#define CAP_NET_BODY_CAP ${NEW_ID}`), checkC],
    ["ABI.md", mutate(sources, "abiPage", /\| \d+ \| `NET_BODY_CAP`/, `| ${NEW_ID} | \`NET_BODY_CAP\``), checkAbiPage],
  ];
  for (const [place, mutated, check] of cases) {
    assert.deepEqual(check(abi, sources), [], `${place} agrees before the change`);
    const problems = check(abi, mutated);
    assert.ok(problems.some((p) => /NET_BODY_CAP|NetBodyCap/.test(p)), `${place}: the changed id is reported (${problems.join("; ")})`);
  }
  // And the description itself changed alone: every copy disagrees with it.
  const changed = { ...abi, caps: { ...abi.caps, NET_BODY_CAP: Number(NEW_ID) } };
  for (const check of [checkFirmware, checkHost, checkPython, checkC, checkAbiPage]) {
    assert.ok(check(changed, sources).some((p) => /NET_BODY_CAP|NetBodyCap/.test(p)), `${check.name} notices abi.json moved`);
  }
});

test("status codes and net statuses changed in one place are caught", () => {
  assert.ok(checkHost(abi, mutate(sources, "host", /ETOOSMALL = -\d+/, "ETOOSMALL = -9")).some((p) => /ETOOSMALL/.test(p)));
  assert.ok(checkC(abi, mutate(sources, "c", /^#define NET_TIMEOUT -\d+$/m, "#define NET_TIMEOUT -15")).some((p) => /NET_TIMEOUT/.test(p)));
  assert.ok(checkFirmware(abi, mutate(sources, "firmwareHttp", /NET_BODY_TOO_LARGE: i32 = -\d+/, "NET_BODY_TOO_LARGE: i32 = -99")).some((p) => /NET_BODY_TOO_LARGE/.test(p)));
  assert.ok(checkPython(abi, mutate(sources, "python", /BUTTONS = \{"link": 1/, 'BUTTONS = {"link": 4')).some((p) => /LINK/.test(p)));
});

test("the module's imports and exports are checked both ways, with signatures", () => {
  assert.deepEqual(checkModule(abi, shape), []);
  const extra = { imports: new Map(shape.imports), exports: new Map(shape.exports) };
  extra.imports.set("wasi_snapshot_preview1.clock_time_get", { params: ["i32", "i64", "i32"], results: ["i32"] });
  assert.ok(checkModule(abi, extra).some((p) => /clock_time_get.*does not list/.test(p)), "an undocumented import is caught");
  const missing = { imports: new Map(shape.imports), exports: new Map(shape.exports) };
  missing.imports.delete("board.seal");
  missing.exports.delete("fw_on_utterance");
  const m = checkModule(abi, missing);
  assert.ok(m.some((p) => /board\.seal.*does not import/.test(p)), "a documented import the module lacks is caught");
  assert.ok(m.some((p) => /does not export fw_on_utterance/.test(p)), "a missing export is caught");
  const wrong = { imports: new Map(shape.imports), exports: new Map(shape.exports) };
  wrong.imports.set("board.led_set", { params: ["i32", "i32"], results: ["i32"] });
  wrong.exports.set("fw_tick", { params: ["i32"], results: ["i64"] });
  const w = checkModule(abi, wrong);
  assert.ok(w.some((p) => /board\.led_set as \(i32, i32\)/.test(p)), "a changed import signature is caught");
  assert.ok(w.some((p) => /fw_tick as \(i32\)/.test(p)), "a changed export signature is caught");
});

test("the Node host's board_cap answers each id of abi.json with the profile's value", () => {
  const p: BoardProfile = {
    name: "probe", display: { width: 301, height: 157, format: "rgb565" }, text: { cols: 33, rows: 7 }, leds: 5,
    speaker: true, deviceType: "tv", flashBytes: 40960, netBodyCap: 23456,
  };
  const want: Record<string, number> = {
    DISPLAY_WIDTH: 301, DISPLAY_HEIGHT: 157, DISPLAY_FORMAT: abi.display_formats.RGB565, TEXT_COLS: 33, TEXT_ROWS: 7,
    LED_COUNT: 5, HAS_SPEAKER: 1, SEAL_OVERHEAD: 28, NET_BODY_CAP: 23456, DEVICE_TYPE: abi.device_types.TV,
  };
  for (const [name, id] of Object.entries(abi.caps)) assert.equal(boardCap(p, id, 28), want[name], name);
  assert.equal(boardCap(p, 0, 28), abi.status.ENOENT, "unknown id");
});

test("the module needs only the WebAssembly features abi.json lists (MVP, bulk memory, saturating float-to-int)", () => {
  assert.deepEqual(abi.features, ["mvp", "bulk-memory", "saturating-float-to-int"]);
  const only = spawnSync("wasm-validate", ["--disable-simd", "--disable-sign-extension", "--disable-multi-value",
    "--disable-reference-types", "--disable-mutable-globals", wasmPath], { encoding: "utf8" });
  assert.equal(only.status, 0, `validates with only the listed features: ${only.stderr}`);
  // Each listed extension is really used, so a board without it cannot run the module.
  for (const flag of ["--disable-bulk-memory", "--disable-saturating-float-to-int"]) {
    const r = spawnSync("wasm-validate", [flag, wasmPath], { encoding: "utf8" });
    assert.notEqual(r.status, 0, `${flag}: the module does need it`);
  }
});

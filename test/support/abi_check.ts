// Checks every hand-written copy of the board ABI against boards/abi.json:
// the firmware's constants, the Node host's, the wasmtime board's, the C
// board's, the signature table in boards/ABI.md, and the built module's
// imports and exports (both ways, with their signatures). Each check takes
// source text and returns a list of problems, so a test can also feed it a
// mutated copy and prove that a change in one place is caught.
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface AbiFunction {
  params: [string, "i32" | "i64" | "ptr" | "len"][];
  result: "i32" | "i64" | null;
}
export interface Abi {
  version: number;
  features: string[];
  status: Record<string, number>;
  caps: Record<string, number>;
  net_status: Record<string, number>;
  buttons: Record<string, number>;
  config_kinds: Record<string, number>;
  led_patterns: Record<string, number>;
  log_levels: Record<string, number>;
  display_formats: Record<string, number>;
  device_types: Record<string, number>;
  flash_erased: number;
  minimums: { net_body_cap: number; storage_bytes: number; in_flight: number; event_queue: number; header_value_bytes: number };
  imports: Record<string, Record<string, AbiFunction>>;
  exports: Record<string, AbiFunction | { kind: "memory" }>;
}

export function loadAbi(root: string): Abi {
  return JSON.parse(readFileSync(join(root, "boards", "abi.json"), "utf8"));
}

/** The source files that carry ABI constants, by place. */
export interface Sources {
  firmwareBoard: string; // assembly/board/board.ts
  firmwareHttp: string;  // assembly/net/http.ts
  host: string;          // every host/*.ts, concatenated
  python: string;        // test/wasmtime_board.py
  c: string;             // ports/posix/abi.h
  abiPage: string;       // boards/ABI.md
}

export function readSources(root: string): Sources {
  const hostDir = join(root, "host");
  return {
    firmwareBoard: readFileSync(join(root, "assembly", "board", "board.ts"), "utf8"),
    firmwareHttp: readFileSync(join(root, "assembly", "net", "http.ts"), "utf8"),
    host: readdirSync(hostDir).filter((f) => f.endsWith(".ts")).sort().map((f) => readFileSync(join(hostDir, f), "utf8")).join("\n"),
    python: readFileSync(join(root, "test", "wasmtime_board.py"), "utf8"),
    c: readFileSync(join(root, "ports", "posix", "abi.h"), "utf8"),
    abiPage: readFileSync(join(root, "boards", "ABI.md"), "utf8"),
  };
}

/** DISPLAY_WIDTH -> DisplayWidth */
const camel = (s: string) => s.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());

function compare(place: string, expected: Record<string, number>, found: Record<string, number>, out: string[]): void {
  for (const [name, want] of Object.entries(expected)) {
    if (!(name in found)) out.push(`${place}: ${name} is missing (abi.json says ${want})`);
    else if (found[name] !== want) out.push(`${place}: ${name} is ${found[name]}, abi.json says ${want}`);
  }
}

/** Members of `[export] const enum NAME { A = 1, B = 2 }`. */
function tsEnum(src: string, name: string): Record<string, number> {
  const m = new RegExp(`enum\\s+${name}\\s*\\{([^}]*)\\}`).exec(src);
  const out: Record<string, number> = {};
  if (!m) return out;
  for (const x of m[1].matchAll(/(\w+)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+))/g)) out[x[1]] = Number(x[2]);
  return out;
}

/** `NAME = value` (TS const declarations, also comma-separated lists). */
function tsConsts(src: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of src.matchAll(/\b([A-Z][A-Z0-9_]*)\s*(?::\s*\w+\s*)?=\s*(-?(?:0x[0-9a-fA-F]+|\d+))\b/g)) {
    if (!(x[1] in out)) out[x[1]] = Number(x[2]);
  }
  return out;
}

function renamed(src: Record<string, number>, f: (k: string) => string): Record<string, number> {
  return Object.fromEntries(Object.entries(src).map(([k, v]) => [f(k), v]));
}

export function checkFirmware(abi: Abi, s: Sources): string[] {
  const out: string[] = [];
  const place = "assembly/board/board.ts";
  compare(place, renamed(abi.caps, camel), tsEnum(s.firmwareBoard, "Cap"), out);
  compare(place, renamed(abi.log_levels, camel), tsEnum(s.firmwareBoard, "LogLevel"), out);
  compare(place, renamed(abi.led_patterns, camel), tsEnum(s.firmwareBoard, "LedPattern"), out);
  compare(place, renamed(abi.buttons, camel), tsEnum(s.firmwareBoard, "Button"), out);
  compare(place, renamed(abi.config_kinds, camel), tsEnum(s.firmwareBoard, "ConfigKind"), out);
  compare(place, { ABI_VERSION: abi.version }, tsConsts(s.firmwareBoard), out);
  compare("assembly/net/http.ts", renamed(abi.net_status, (k) => `NET_${k}`), tsConsts(s.firmwareHttp), out);
  return out;
}

/** The host's board_cap: `case N: return <expression naming the profile field>`. */
const HOST_CAP_FIELDS: Record<string, RegExp> = {
  DISPLAY_WIDTH: /\.width\b/, DISPLAY_HEIGHT: /\.height\b/, DISPLAY_FORMAT: /\.format\b/, TEXT_COLS: /\.cols\b/,
  TEXT_ROWS: /\.rows\b/, LED_COUNT: /\.leds\b/, HAS_SPEAKER: /\.speaker\b/, SEAL_OVERHEAD: /sealOverhead|overhead/,
  NET_BODY_CAP: /\.netBodyCap\b/, DEVICE_TYPE: /\.deviceType\b/,
};

export function checkHost(abi: Abi, s: Sources): string[] {
  const out: string[] = [];
  const consts = tsConsts(s.host);
  compare("host (status codes)", abi.status.OK === 0 ? Object.fromEntries(Object.entries(abi.status).filter(([k]) => k !== "OK")) : abi.status, consts, out);
  compare("host (net statuses)", renamed(abi.net_status, (k) => `NET_${k}`), consts, out);
  compare("host", { ABI_VERSION: abi.version, ERASED: abi.flash_erased }, consts, out);
  if (!(consts.MAX_IN_FLIGHT >= abi.minimums.in_flight)) out.push(`host: MAX_IN_FLIGHT ${consts.MAX_IN_FLIGHT} is below the minimum ${abi.minimums.in_flight}`);
  const fn = /function boardCap\([^)]*\)[^{]*\{([\s\S]*?)\n\}/.exec(s.host);
  if (!fn) out.push("host: function boardCap not found");
  else {
    const found: Record<string, number> = {};
    for (const c of fn[1].matchAll(/case (-?\d+):\s*return ([^;]+);/g)) {
      const name = Object.keys(HOST_CAP_FIELDS).find((k) => HOST_CAP_FIELDS[k].test(c[2]));
      if (name) found[name] = Number(c[1]);
    }
    compare("host boardCap", abi.caps, found, out);
  }
  const arr = (name: string) => {
    const m = new RegExp(`${name}\\s*=\\s*\\[([^\\]]*)\\]`).exec(s.host);
    return m ? Object.fromEntries(m[1].split(",").map((x, i) => [x.trim().replace(/"/g, "").toUpperCase(), i])) : {};
  };
  compare("host LED_PATTERNS", abi.led_patterns, arr("LED_PATTERNS"), out);
  compare("host LOG_LEVELS", abi.log_levels, arr("LOG_LEVELS"), out);
  return out;
}

export function checkPython(abi: Abi, s: Sources): string[] {
  const out: string[] = [];
  const found: Record<string, number> = {};
  for (const line of s.python.split("\n")) {
    const m = /^([A-Z][A-Z0-9_]*(?:\s*,\s*[A-Z][A-Z0-9_]*)*)\s*=\s*(-?(?:0x[0-9a-fA-F]+|\d+)(?:\s*,\s*-?\d+)*)\s*(#.*)?$/.exec(line.trim());
    if (!m) continue;
    const names = m[1].split(",").map((x) => x.trim()), vals = m[2].split(",").map((x) => Number(x.trim()));
    names.forEach((n, i) => (found[n] = vals[i]));
  }
  const place = "test/wasmtime_board.py";
  compare(place, Object.fromEntries(Object.entries(abi.status).filter(([k]) => k !== "OK")), found, out);
  compare(place, renamed(abi.caps, (k) => `CAP_${k}`), found, out);
  compare(place, renamed(abi.net_status, (k) => `NET_${k}`), found, out);
  compare(place, { ABI_VERSION: abi.version, FLASH_ERASED: abi.flash_erased, MIN_IN_FLIGHT: abi.minimums.in_flight }, found, out);
  const b = /BUTTONS\s*=\s*\{([^}]*)\}/.exec(s.python);
  const buttons = b ? Object.fromEntries([...b[1].matchAll(/"(\w+)":\s*(\d+)/g)].map((x) => [x[1].toUpperCase(), Number(x[2])])) : {};
  compare(`${place} BUTTONS`, abi.buttons, buttons, out);
  const lp = /LED_PATTERNS\s*=\s*\[([^\]]*)\]/.exec(s.python);
  compare(`${place} LED_PATTERNS`, abi.led_patterns, lp ? Object.fromEntries(lp[1].split(",").map((x, i) => [x.trim().replace(/"/g, "").toUpperCase(), i])) : {}, out);
  return out;
}

export function checkC(abi: Abi, s: Sources): string[] {
  const out: string[] = [];
  const found: Record<string, number> = {};
  for (const m of s.c.matchAll(/^#define\s+([A-Z][A-Z0-9_]*)\s+(-?(?:0x[0-9a-fA-F]+|\d+))\s*$/gm)) found[m[1]] = Number(m[2]);
  const place = "ports/posix/abi.h";
  compare(place, renamed(abi.status, (k) => `ABI_${k}`), found, out);
  compare(place, renamed(abi.caps, (k) => `CAP_${k}`), found, out);
  compare(place, renamed(abi.net_status, (k) => `NET_${k}`), found, out);
  compare(place, renamed(abi.buttons, (k) => `BUTTON_${k}`), found, out);
  compare(place, renamed(abi.config_kinds, (k) => `CONFIG_${k}`), found, out);
  compare(place, { ABI_VERSION: abi.version, FLASH_ERASED: abi.flash_erased, MIN_IN_FLIGHT: abi.minimums.in_flight }, found, out);
  return out;
}

/** WAMR's NativeSymbol signature: `*~` for a (pointer, length) pair, i/I for i32/i64. */
export function wamrSignature(f: AbiFunction): string {
  let s = "(";
  for (let i = 0; i < f.params.length; i++) {
    const k = f.params[i][1];
    if (k === "ptr" && f.params[i + 1]?.[1] === "len") { s += "*~"; i++; }
    else s += k === "i64" ? "I" : k === "ptr" ? "*" : "i";
  }
  return s + ")" + (f.result === null ? "" : f.result === "i64" ? "I" : "i");
}

/** wasm3's m3_LinkRawFunction signature: result first, `*` for a pointer. */
export function wasm3Signature(f: AbiFunction): string {
  const t = (k: string) => (k === "i64" ? "I" : k === "ptr" ? "*" : "i");
  return (f.result === null ? "v" : t(f.result)) + "(" + f.params.map((p) => t(p[1])).join("") + ")";
}

/** Every board import appears in ABI.md's signature table with its derived WAMR and wasm3 strings. */
export function checkAbiPage(abi: Abi, s: Sources): string[] {
  const out: string[] = [];
  for (const [name, f] of Object.entries(abi.imports.board)) {
    const row = s.abiPage.split("\n").find((l) => l.startsWith(`| \`${name}(`));
    if (!row) { out.push(`boards/ABI.md: no signature row for ${name}`); continue; }
    if (!row.includes(`"${wamrSignature(f)}"`)) out.push(`boards/ABI.md: ${name} WAMR signature should be "${wamrSignature(f)}"`);
    if (!row.includes(`\`${wasm3Signature(f)}\``)) out.push(`boards/ABI.md: ${name} wasm3 signature should be ${wasm3Signature(f)}`);
    if (!s.abiPage.includes(`### \`${name}\``)) out.push(`boards/ABI.md: no section for ${name}`);
  }
  for (const name of Object.keys(abi.exports)) {
    if (!s.abiPage.includes(`\`${name}\``)) out.push(`boards/ABI.md: export ${name} not described`);
  }
  for (const [k, v] of Object.entries(abi.caps)) {
    if (!new RegExp(`\\|\\s*${v}\\s*\\|\\s*\`${k}\``).test(s.abiPage)) out.push(`boards/ABI.md: capability ${k} = ${v} not in the table`);
  }
  return out;
}

// ---- the module's imports and exports, read from the binary ----------------

type ValType = "i32" | "i64" | "f32" | "f64" | "v128" | "funcref" | "externref";
interface Sig { params: ValType[]; results: ValType[] }
export interface ModuleShape {
  imports: Map<string, Sig>; // "module.name"
  exports: Map<string, Sig | "memory" | "global" | "table">;
}

const VT: Record<number, ValType> = { 0x7f: "i32", 0x7e: "i64", 0x7d: "f32", 0x7c: "f64", 0x7b: "v128", 0x70: "funcref", 0x6f: "externref" };

export function readModuleShape(bin: Uint8Array): ModuleShape {
  let p = 8;
  const leb = () => {
    let r = 0, shift = 0, b;
    do { b = bin[p++]; r |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
    return r >>> 0;
  };
  const name = () => {
    const n = leb();
    const s = new TextDecoder().decode(bin.subarray(p, p + n));
    p += n;
    return s;
  };
  const types: Sig[] = [];
  const funcTypes: number[] = []; // type index per function index (imports first)
  const shape: ModuleShape = { imports: new Map(), exports: new Map() };
  const exportsRaw: [string, number, number][] = [];
  while (p < bin.length) {
    const id = bin[p++];
    const size = leb();
    const end = p + size;
    if (id === 1) {
      for (let n = leb(); n > 0; n--) {
        p++; // 0x60
        const params = Array.from({ length: leb() }, () => VT[bin[p++]]);
        const results = Array.from({ length: leb() }, () => VT[bin[p++]]);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = leb(); n > 0; n--) {
        const mod = name(), field = name(), kind = bin[p++];
        if (kind === 0) {
          const t = leb();
          funcTypes.push(t);
          shape.imports.set(`${mod}.${field}`, types[t]);
        } else throw new Error(`import ${mod}.${field} is not a function (kind ${kind})`);
      }
    } else if (id === 3) {
      for (let n = leb(); n > 0; n--) funcTypes.push(leb());
    } else if (id === 7) {
      for (let n = leb(); n > 0; n--) exportsRaw.push([name(), bin[p++], leb()]);
    }
    p = end;
  }
  for (const [n, kind, index] of exportsRaw) {
    shape.exports.set(n, kind === 0 ? types[funcTypes[index]] : kind === 2 ? "memory" : kind === 3 ? "global" : "table");
  }
  return shape;
}

const sigOf = (f: AbiFunction): Sig => ({
  params: f.params.map((x) => (x[1] === "i64" ? "i64" : "i32")),
  results: f.result === null ? [] : [f.result],
});
const sigText = (s: Sig) => `(${s.params.join(", ")}) -> (${s.results.join(", ")})`;

export function checkModule(abi: Abi, shape: ModuleShape): string[] {
  const out: string[] = [];
  const want = new Map<string, Sig>();
  for (const [mod, fns] of Object.entries(abi.imports)) for (const [n, f] of Object.entries(fns)) want.set(`${mod}.${n}`, sigOf(f));
  for (const [n, sig] of shape.imports) {
    const w = want.get(n);
    if (!w) out.push(`module imports ${n}, which abi.json does not list`);
    else if (sigText(w) !== sigText(sig)) out.push(`module imports ${n} as ${sigText(sig)}, abi.json says ${sigText(w)}`);
  }
  for (const n of want.keys()) if (!shape.imports.has(n)) out.push(`abi.json lists import ${n}, which the module does not import`);
  for (const [n, e] of Object.entries(abi.exports)) {
    const got = shape.exports.get(n);
    if (got === undefined) { out.push(`module does not export ${n}`); continue; }
    if ("kind" in e) { if (got !== e.kind) out.push(`export ${n} is a ${typeof got === "string" ? got : "function"}, abi.json says ${e.kind}`); }
    else if (typeof got === "string") out.push(`export ${n} is a ${got}, abi.json says a function`);
    else if (sigText(sigOf(e)) !== sigText(got)) out.push(`module exports ${n} as ${sigText(got)}, abi.json says ${sigText(sigOf(e))}`);
  }
  for (const n of shape.exports.keys()) if (!(n in abi.exports)) out.push(`module exports ${n}, which abi.json does not list`);
  return out;
}

export function checkAll(abi: Abi, s: Sources, shape: ModuleShape): string[] {
  return [...checkFirmware(abi, s), ...checkHost(abi, s), ...checkPython(abi, s), ...checkC(abi, s), ...checkAbiPage(abi, s), ...checkModule(abi, shape)];
}

// Size of the release module, whole and per part. Every figure comes from
// compiling with the project's asconfig.json, target "release", through the
// compiler's programmatic API. Sources are never edited on disk: the
// compiler reads them through a hook that can hand it a changed copy of a
// file, so a part is measured by compiling the firmware once as it is and
// once with that part cut out, and taking the difference.
//
//   node --import tsx bench/size.ts [--qr-out FILE]     prints one JSON object
//
// The QR timing figure needs test/qr/qr_entry.ts compiled the same way; with
// --qr-out that module is written to FILE too.
import asc from "assemblyscript/asc";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { memoryLimits } from "./wasm.ts";
import { anatomy, Anatomy } from "./anatomy.ts";
// @ts-expect-error: a plain .mjs tool without types
import { finishModule } from "../tools/finish.mjs";

/** The release module's budget (DESIGN.md, Budgets): it sits in flash next to a ~60 KB runtime. */
export const MODULE_BUDGET_BYTES = 65536;

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

export interface CompileOptions {
  /** Repository-relative path → function giving the text the compiler reads instead. */
  patch?: Record<string, (text: string) => string>;
  /** Repository-relative path → text of a file that exists only for this compile. */
  virtual?: Record<string, string>;
  /** Leave the json-as transform out of the configuration (other transforms stay). */
  noTransform?: boolean;
  /**
   * File texts by absolute path. The first compile fills it and later ones
   * read from it, so every variant of one run sees the same sources even
   * while someone edits the tree.
   */
  snapshot?: Map<string, string | null>;
  /** More compiler flags, after the configuration's (e.g. --debug for function names). */
  extraArgs?: string[];
}

export interface Compiled {
  bytes: Uint8Array;
  ms: number;
}

/** Compiles `entry` (repository-relative) like `npm run build` does and returns the module bytes. */
export async function compile(entry: string, o: CompileOptions = {}): Promise<Compiled> {
  // The json-as mode the build script sets (package.json "build").
  process.env.JSON_MODE = "NAIVE";
  const out = "bench-size-output.wasm";
  let binary: Uint8Array | null = null;
  const stderr: string[] = [];
  const t0 = performance.now();
  const { error } = await asc.main(
    [entry, "--config", "asconfig.json", "--target", "release", "--transform", join(ROOT, "tools", "static-items.mjs"), "--outFile", out, "--baseDir", ROOT, ...(o.extraArgs ?? [])],
    {
      stdout: asc.createMemoryStream(),
      stderr: asc.createMemoryStream((c) => stderr.push(typeof c === "string" ? c : Buffer.from(c).toString("utf8"))),
      readFile(filename, baseDir) {
        const abs = resolve(baseDir, filename);
        const rel = relative(ROOT, abs).split("\\").join("/");
        if (o.virtual && rel in o.virtual) return o.virtual[rel];
        let text = o.snapshot?.get(abs);
        if (text === undefined) {
          try {
            text = readFileSync(abs, "utf8");
          } catch {
            text = null;
          }
          o.snapshot?.set(abs, text);
        }
        if (text === null) return null;
        if (rel === "asconfig.json") {
          // The text listing is not needed, and must not overwrite build/.
          const cfg = JSON.parse(text);
          for (const t of Object.values(cfg.targets ?? {}) as Record<string, unknown>[]) delete t.textFile;
          if (o.noTransform && cfg.options?.transform) {
            const list = ([] as string[]).concat(cfg.options.transform).filter((t) => t.trim() !== "json-as");
            if (list.length) cfg.options.transform = list;
            else delete cfg.options.transform;
          }
          return JSON.stringify(cfg);
        }
        const fn = o.patch?.[rel];
        return fn ? fn(text) : text;
      },
      writeFile(filename, contents) {
        if (filename === out && typeof contents !== "string") binary = contents;
      },
      listFiles(dir, baseDir) {
        // Used for the shim's library folder (the configuration's "lib").
        try {
          return readdirSync(resolve(baseDir, dir)).filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"));
        } catch {
          return null;
        }
      },
    },
  );
  if (error || !binary) throw new Error(`asc ${entry}: ${error?.message ?? "no output"}\n${stderr.join("").slice(-3000)}`);
  // Then the build's own finishing steps (tools/finish.mjs), so every figure
  // is of a module as `npm run build` makes it.
  const dir = mkdtempSync(join(tmpdir(), "bench-size-"));
  try {
    const file = join(dir, "module.wasm");
    writeFileSync(file, binary);
    finishModule(file, (o.extraArgs ?? []).includes("--debug"));
    return { bytes: new Uint8Array(readFileSync(file)), ms: performance.now() - t0 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Replaces the body of `function name(...)` in `text` with `body`. The
 * scanner skips strings, template literals and comments, so braces inside
 * them do not count. Throws when the function is not found, so a renamed
 * function shows up as a figure that could not be produced, not as a
 * silently wrong one.
 */
export function replaceFunctionBody(text: string, name: string, body: string): string {
  const re = new RegExp(`\\bfunction\\s+${name}\\s*(<[^>]*>)?\\s*\\(`);
  const m = re.exec(text);
  if (!m) throw new Error(`function ${name} not found`);
  let i = m.index + m[0].length; // just after "("
  i = skipBalanced(text, i, "(", ")");
  const open = findCode(text, i, "{");
  const close = skipBalanced(text, open + 1, "{", "}");
  return text.slice(0, open + 1) + "\n  " + body + "\n" + text.slice(close - 1);
}

/** From just after an opening `open`, returns the index just after its matching `close`. */
function skipBalanced(text: string, from: number, open: string, close: string): number {
  let depth = 1;
  let i = from;
  while (i < text.length) {
    const j = skipNonCode(text, i);
    if (j !== i) {
      i = j;
      continue;
    }
    const c = text[i];
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  throw new Error(`unbalanced ${open}${close}`);
}

function findCode(text: string, from: number, ch: string): number {
  let i = from;
  while (i < text.length) {
    const j = skipNonCode(text, i);
    if (j !== i) {
      i = j;
      continue;
    }
    if (text[i] === ch) return i;
    i++;
  }
  throw new Error(`no ${ch} after index ${from}`);
}

/** When a string, template or comment starts at `i`, the index after it; else `i`. */
function skipNonCode(text: string, i: number): number {
  const c = text[i];
  if (c === "/" && text[i + 1] === "/") {
    const e = text.indexOf("\n", i);
    return e < 0 ? text.length : e + 1;
  }
  if (c === "/" && text[i + 1] === "*") {
    const e = text.indexOf("*/", i + 2);
    return e < 0 ? text.length : e + 2;
  }
  if (c === '"' || c === "'" || c === "`") {
    let k = i + 1;
    while (k < text.length && text[k] !== c) k += text[k] === "\\" ? 2 : 1;
    return k + 1;
  }
  return i;
}

// ---- the parts ------------------------------------------------------------

const FIRMWARE = "assembly/main.ts";

/** The firmware with the QR encoder cut out: encodeQr always answers "does not fit". */
const NO_QR = {
  "assembly/qr/qr.ts": (t: string) => replaceFunctionBody(t, "encodeQr", "return null;"),
};

/** The firmware with the JSON reader cut out (net/json.ts, json_check.ts): every text fails to read, quoting is the identity. */
const NO_JSON = {
  "assembly/net/json.ts": (t: string) =>
    replaceFunctionBody(
      replaceFunctionBody(t, "parseJsonBytes", 'const r = new JsonResult(); r.error = "cut"; return r;'),
      "jsonQuote",
      "return s;",
    ),
};

/** The smallest module the configuration builds: the runtime, the WASI shim, one export. */
const EMPTY_ENTRY = `export function bench_run(n: i32): i32 { return n + 1; }\n`;

/**
 * json-as's JSON.stringify for the action request (DESIGN.md, "Voice-action
 * loop"), written as @json classes. Measured against EMPTY_ENTRY.
 */
const JSON_AS_ENTRY = `import { JSON } from "json-as";
@json class Param { type: string = ""; value: string = ""; }
@json class Action { actionName: string = ""; parameters: Map<string, Param> = new Map(); }
@json class Session { id: string = ""; isNew: bool = true; accessToken: string = ""; }
@json class DeviceState {}
@json class Device { type: string = ""; state: DeviceState = new DeviceState(); }
@json class Context { session: Session = new Session(); device: Device = new Device(); }
@json class ActionRequest { version: string = "2.0"; action: Action = new Action(); context: Context = new Context(); }
export function bench_run(n: i32): i32 {
  const r = new ActionRequest();
  r.action.actionName = "OrderStatus";
  const p = new Param(); p.type = "NUMBER"; p.value = n.toString();
  r.action.parameters.set("orderNumber", p);
  r.context.session.id = "s" + n.toString();
  r.context.session.accessToken = "token";
  r.context.device.type = "tv";
  return JSON.stringify(r).length;
}
`;

/** The same request built with the firmware's own writer (net/json.ts jsonQuote). */
const QUOTE_ENTRY = `import { jsonQuote } from "../../assembly/net/json";
export function bench_run(n: i32): i32 {
  const s = "{\\"version\\":" + jsonQuote("2.0") + ",\\"action\\":{\\"actionName\\":" + jsonQuote("OrderStatus")
    + ",\\"parameters\\":{" + jsonQuote("orderNumber") + ":{\\"type\\":" + jsonQuote("NUMBER") + ",\\"value\\":" + jsonQuote(n.toString())
    + "}}},\\"context\\":{\\"session\\":{\\"id\\":" + jsonQuote("s" + n.toString()) + ",\\"isNew\\":true,\\"accessToken\\":" + jsonQuote("token")
    + "},\\"device\\":{\\"type\\":" + jsonQuote("tv") + ",\\"state\\":{}}}}";
  return s.length;
}
`;

export interface Part {
  id: string;
  name: string;
  bytes: number | null;
  method: string;
  error?: string;
  note?: string;
}

export interface SizeReport {
  moduleBytes: number;
  builtFileBytes: number | null;
  memory: { initialPages: number; maximumPages: number | null; initialBytes: number; maximumBytes: number | null } | null;
  parts: Part[];
  standalone: Part[];
  compileMs: number;
  /**
   * Where the bytes go, from the same build with a name section (--debug;
   * code and data are those of the release build): sections, code by
   * source, string literals.
   */
  anatomy: Anatomy | null;
  /** Set when the QR timing module was written. */
  qrModule?: string;
  errors: string[];
}

export async function measureSize(qrOut?: string): Promise<SizeReport> {
  const t0 = performance.now();
  const errors: string[] = [];
  const snapshot = new Map<string, string | null>();
  // First, so the QR timing has its module even if the firmware does not build.
  let qrModule: string | undefined;
  if (qrOut) {
    try {
      writeFileSync(qrOut, (await compile("test/qr/qr_entry.ts", { snapshot })).bytes);
      qrModule = qrOut;
    } catch (e) {
      errors.push(`qr_entry: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  const full = await compile(FIRMWARE, { snapshot });
  const total = full.bytes.length;
  let builtFileBytes: number | null = null;
  try {
    builtFileBytes = readFileSync(join(ROOT, "build", "firmware.wasm")).length;
  } catch {
    /* not built */
  }

  const delta = async (id: string, name: string, method: string, o: CompileOptions): Promise<Part> => {
    try {
      const cut = await compile(FIRMWARE, { ...o, snapshot });
      return { id, name, bytes: total - cut.bytes.length, method };
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      errors.push(`${name}: ${msg}`);
      return { id, name, bytes: null, method, error: msg };
    }
  };
  const qr = await delta("qr", "QR encoder (assembly/qr)", "firmware − firmware with encodeQr cut to `return null`", { patch: NO_QR });
  const json = await delta("json", "JSON reader and writer (assembly/net/json.ts, json_check.ts)", "firmware − firmware with parseJsonBytes and jsonQuote cut", { patch: NO_JSON });
  const jsonAs = await delta("json_as", "json-as (in the firmware)", "firmware − firmware compiled without the json-as transform", { noTransform: true });
  if (jsonAs.error) jsonAs.error = `the firmware does not build without the transform (it uses json-as), so no delta; see the standalone figure (${jsonAs.error})`;
  else if (jsonAs.bytes === 0) jsonAs.note = "the firmware links none of json-as today";
  const known = [qr, json, jsonAs].reduce((s, p) => s + (p.bytes ?? 0), 0);
  const rest: Part = { id: "rest", name: "the rest", bytes: total - known, method: "total − the parts above" };

  const standalone: Part[] = [];
  let emptyBytes: number | null = null;
  try {
    emptyBytes = (await compile("bench/.entry/empty.ts", { virtual: { "bench/.entry/empty.ts": EMPTY_ENTRY }, snapshot })).bytes.length;
    standalone.push({ id: "empty", name: "empty module (runtime + WASI shim)", bytes: emptyBytes, method: "an entry with one trivial export" });
  } catch (e) {
    errors.push(`empty entry: ${(e as Error).message.split("\n")[0]}`);
  }
  for (const [id, name, path, text, method] of [
    ["json_as_stringify", "json-as JSON.stringify (action request)", "bench/.entry/json_as.ts", JSON_AS_ENTRY, "entry serializing the action request with @json classes − empty module"],
    ["json_quote", "jsonQuote (same request)", "bench/.entry/quote.ts", QUOTE_ENTRY, "entry building the same request with net/json.ts jsonQuote − empty module"],
  ] as const) {
    try {
      const b = (await compile(path, { virtual: { [path]: text }, snapshot })).bytes.length;
      standalone.push({ id, name, bytes: emptyBytes === null ? null : b - emptyBytes, method });
    } catch (e) {
      const msg = (e as Error).message.split("\n")[0];
      errors.push(`${name}: ${msg}`);
      standalone.push({ id, name, bytes: null, method, error: msg });
    }
  }

  let parts: Anatomy | null = null;
  try {
    const named = await compile(FIRMWARE, { snapshot, extraArgs: ["--debug"] });
    parts = anatomy(named.bytes);
  } catch (e) {
    errors.push(`anatomy: ${(e as Error).message.split("\n")[0]}`);
  }

  let memory: SizeReport["memory"] = null;
  try {
    const m = memoryLimits(full.bytes);
    memory = { initialPages: m.initial, maximumPages: m.maximum, initialBytes: m.initial * 65536, maximumBytes: m.maximum === null ? null : m.maximum * 65536 };
  } catch (e) {
    errors.push(`memory section: ${(e as Error).message}`);
  }
  return { moduleBytes: total, builtFileBytes, memory, parts: [qr, json, jsonAs, rest], standalone, anatomy: parts, compileMs: performance.now() - t0, qrModule, errors };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf("--qr-out");
  measureSize(i > 0 ? process.argv[i + 1] : undefined).then(
    (r) => process.stdout.write(JSON.stringify(r) + "\n"),
    (e) => {
      process.stdout.write(JSON.stringify({ fatal: String(e?.stack ?? e) }) + "\n");
    },
  );
}

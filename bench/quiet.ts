// Per-action CPU in a quiet process: the release module on the fuzz
// driver's in-process board (test/fuzz/board.ts: virtual clock, no
// servers), one voice action after another with the same OK answer, and
// the TypeScript build + parse of bench/run.ts's reference loop on the same
// answer, in the same process. Nothing else runs between two actions, so
// both are timed with warm caches: the lower bound of what the bench's
// actions phase measures next to its servers. Run as a child of
// bench/run.ts (it wraps WebAssembly.Instance for its timers):
//
//   node --import tsx bench/quiet.ts build/firmware.wasm
//
// prints one JSON line: { firmwareUs, referenceUs, batches }, each the
// median over batches of the mean per action; the firmware's excludes the
// time inside board calls.
import { performance } from "node:perf_hooks";

const BATCHES = 11;
const FIRMWARE_BATCH = 2000;
const REFERENCE_BATCH = 20000;

let entryMs = 0;
let importMs = 0;
let depth = 0;

/** Times the module's fw_ exports and the board calls made from inside them. */
const Instance = WebAssembly.Instance;
(WebAssembly as { Instance: unknown }).Instance = function (module: WebAssembly.Module, imports: Record<string, Record<string, unknown>>) {
  const timed: Record<string, Record<string, unknown>> = {};
  for (const [name, fns] of Object.entries(imports)) {
    timed[name] = {};
    for (const [k, f] of Object.entries(fns)) {
      timed[name][k] = typeof f !== "function" ? f : (...a: unknown[]) => {
        if (depth === 0) return f(...a);
        const t = performance.now();
        try { return f(...a); } finally { importMs += performance.now() - t; }
      };
    }
  }
  const inst = new Instance(module, timed as WebAssembly.Imports);
  const exports: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(inst.exports)) {
    exports[k] = typeof f !== "function" || !k.startsWith("fw_") ? f : (...a: unknown[]) => {
      const t = performance.now();
      depth++;
      try { return (f as (...x: unknown[]) => unknown)(...a); } finally { depth--; entryMs += performance.now() - t; }
    };
  }
  return { exports };
};

const { firmwareModule } = await import("../test/fuzz/board.ts");
const { voiceActions, VALID } = await import("../test/fuzz/scenario.ts");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Firmware µs per action, board calls excluded. */
function firmware(wasmPath: string): number {
  firmwareModule(wasmPath);
  const { one } = voiceActions();
  for (let i = 0; i < 500; i++) one();
  const per: number[] = [];
  for (let b = 0; b < BATCHES; b++) {
    entryMs = 0;
    importMs = 0;
    for (let i = 0; i < FIRMWARE_BATCH; i++) one();
    per.push(((entryMs - importMs) * 1000) / FIRMWARE_BATCH);
  }
  return median(per);
}

/** The reference loop's own part (bench/run.ts referenceActions): build the request, parse the answer, take the speech. */
function reference(): number {
  const answer = Buffer.from(VALID.action());
  const token = "AT-quiet-reference-token";
  const sessionId = "5f0c6d1e-9a2b-4c3d-8e4f-a0b1c2d3e4f5";
  let isNew = true;
  let sink = 0;
  const per: number[] = [];
  for (let b = 0; b <= BATCHES; b++) {
    const t0 = performance.now();
    for (let i = 0; i < REFERENCE_BATCH; i++) {
      const body = JSON.stringify({
        version: "2.0",
        action: { actionName: "WhoAmI", parameters: {} },
        context: { session: { id: sessionId, isNew, accessToken: token }, device: { type: "tv", state: {} } },
      });
      const headers = `Authorization: Bearer ${token}\r\nContent-Type: application/json\r\nAccept: application/json`;
      const a = JSON.parse(answer.toString("utf8"));
      const speech = a?.version === "2.0" && a.resultCode === "OK" ? (a.output?.speech ?? a.output?.display) : undefined;
      sink += Buffer.byteLength(body) + headers.length + (typeof speech === "string" ? speech.length : 0);
      isNew = false;
    }
    if (b > 0) per.push(((performance.now() - t0) * 1000) / REFERENCE_BATCH); // the first batch warms up
  }
  if (sink === 0) throw new Error("the reference loop read nothing");
  return median(per);
}

const wasm = process.argv[2] ?? "build/firmware.wasm";
console.log(JSON.stringify({ firmwareUs: firmware(wasm), referenceUs: reference(), batches: BATCHES }));

// Checks the firmware's QR encoder against an independent encoder
// (qrcode-generator) and an independent decoder (jsQR).
//
//   node --import tsx --test test/qr/qr-reference.test.ts
//
// The firmware side is test/qr/qr_entry.ts, compiled here with the
// project's asconfig.json (target "test") to build/test/qr_entry.wasm.

import { test, before } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { randomFillSync } from "node:crypto";
import { performance } from "node:perf_hooks";
import asc from "assemblyscript/asc";
import qrcode from "qrcode-generator";
import jsQRModule from "jsqr";

// jsqr is a UMD bundle; depending on the loader its function is the module
// itself or its `default`.
type JsQR = typeof import("jsqr").default;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;

const WASM = "build/test/qr_entry.wasm";
const LEVELS = ["L", "M"] as const;
type Level = (typeof LEVELS)[number];

// Byte-mode capacity of versions 1-10 (ISO/IEC 18004 Table 7).
const CAPACITY: Record<Level, number[]> = {
  L: [17, 32, 53, 78, 106, 134, 154, 192, 230, 271],
  M: [14, 26, 42, 62, 84, 106, 122, 152, 180, 213],
};
const MAX_BYTES: Record<Level, number> = { L: CAPACITY.L[9], M: CAPACITY.M[9] };

interface Firmware {
  qr_input(len: number): number;
  qr_encode(len: number, ecl: number, mask: number): number;
  qr_module(x: number, y: number): number;
  qr_version(): number;
  qr_mask(): number;
  memory: WebAssembly.Memory;
  _start(): void;
}

interface Symbol {
  version: number;
  mask: number;
  size: number;
  /** 1 = dark, row after row. */
  modules: Uint8Array;
}

let fw: Firmware;

/** The four WASI calls the module may import, enough for a module that only computes. */
function wasiStub(memory: () => WebAssembly.Memory) {
  class Exit extends Error {
    constructor(public code: number) {
      super(`proc_exit(${code})`);
    }
  }
  return {
    fd_write(fd: number, iovs: number, iovsLen: number, written: number): number {
      const view = new DataView(memory().buffer);
      let total = 0;
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < iovsLen; i++) {
        const ptr = view.getUint32(iovs + i * 8, true);
        const len = view.getUint32(iovs + i * 8 + 4, true);
        chunks.push(new Uint8Array(memory().buffer, ptr, len).slice());
        total += len;
      }
      (fd === 2 ? process.stderr : process.stdout).write(Buffer.concat(chunks));
      view.setUint32(written, total, true);
      return 0;
    },
    proc_exit(code: number): never {
      throw new Exit(code);
    },
    random_get(ptr: number, len: number): number {
      randomFillSync(new Uint8Array(memory().buffer, ptr, len));
      return 0;
    },
    clock_time_get(_id: number, _precision: bigint, out: number): number {
      new DataView(memory().buffer).setBigUint64(out, process.hrtime.bigint(), true);
      return 0;
    },
  };
}

before(async () => {
  mkdirSync("build/test", { recursive: true });
  const { error, stderr } = await asc.main(
    ["test/qr/qr_entry.ts", "--config", "asconfig.json", "--target", "test", "--outFile", WASM],
    {},
  );
  if (error) throw new Error(`asc failed:\n${stderr.toString()}`);
  let instance: WebAssembly.Instance | undefined;
  const wasi = wasiStub(() => (instance!.exports as unknown as Firmware).memory);
  const module = await WebAssembly.compile(readFileSync(WASM));
  instance = await WebAssembly.instantiate(module, { wasi_snapshot_preview1: wasi });
  fw = instance.exports as unknown as Firmware;
  fw._start(); // runs the module's top-level statements (globals)
});

function firmwareEncode(bytes: Uint8Array, level: Level, mask = -1): Symbol | null {
  const ptr = fw.qr_input(bytes.length);
  new Uint8Array(fw.memory.buffer, ptr, bytes.length).set(bytes);
  const size = fw.qr_encode(bytes.length, level === "L" ? 0 : 1, mask);
  if (size === 0) return null;
  const modules = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) modules[y * size + x] = fw.qr_module(x, y);
  }
  return { version: fw.qr_version(), mask: fw.qr_mask(), size, modules };
}

type Reference = ReturnType<typeof qrcode>;

/** qrcode-generator's default string conversion keeps the low 8 bits of each char. */
function byteString(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/**
 * qrcode-generator with automatic version (typeNumber 0) and byte mode.
 * With `mask` it builds that mask instead of its own choice: `make()`
 * scores the eight masks in order through the object's public
 * `getModuleCount` (called once per scoring) and `isDark`, so while it
 * runs those two report a penalty-free checkerboard for the wanted mask
 * and an all-dark symbol for the others, then the real ones are restored.
 */
function referenceEncode(bytes: Uint8Array, level: Level, mask?: number): { qr: Reference; symbol: Symbol } {
  const qr = qrcode(0, level);
  qr.addData(byteString(bytes), "Byte");
  if (mask === undefined) {
    qr.make();
  } else {
    const realCount = qr.getModuleCount;
    const realIsDark = qr.isDark;
    let scoring = -1;
    qr.getModuleCount = () => {
      scoring++;
      return realCount();
    };
    qr.isDark = (row: number, col: number) => (scoring === mask ? (row + col) % 2 === 0 : true);
    qr.make();
    qr.getModuleCount = realCount;
    qr.isDark = realIsDark;
    assert.equal(scoring, 7, "qrcode-generator scored all eight masks");
  }
  const size = qr.getModuleCount();
  const modules = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) modules[y * size + x] = qr.isDark(y, x) ? 1 : 0;
  }
  return { qr, symbol: { version: (size - 17) / 4, mask: mask ?? -1, size, modules } };
}

/**
 * qrcode-generator's own mask choice. Read from the format information of
 * its output (bits 14..10, after undoing the 0x5412 XOR, are two level
 * bits and three mask bits, ISO/IEC 18004 §7.9.1; in the top-left copy
 * bit i lies on row 8, column 14 - i), then
 * confirmed by making qrcode-generator build that mask and getting the
 * same matrix.
 */
function referenceChosenMask(bytes: Uint8Array, level: Level, auto: Symbol): number {
  let bits = 0;
  for (let x = 0; x <= 4; x++) bits = (bits << 1) | auto.modules[8 * auto.size + x]; // bits 14..10
  const mask = (bits ^ (0x5412 >> 10)) & 7;
  assert.ok(sameModules(referenceEncode(bytes, level, mask).symbol, auto), "mask read from the format bits reproduces qrcode-generator's output");
  return mask;
}

function sameModules(a: Symbol, b: Symbol): boolean {
  return a.size === b.size && a.modules.every((v, i) => v === b.modules[i]);
}

function firstDifference(a: Symbol, b: Symbol): string {
  for (let i = 0; i < a.modules.length; i++) {
    if (a.modules[i] !== b.modules[i]) return `(x ${i % a.size}, y ${Math.floor(i / a.size)})`;
  }
  return "none";
}

/** A small deterministic generator (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Payloads a device shows: verification URLs, user codes, plus odd text and raw bytes. */
function payloads(count: number): Uint8Array[] {
  const next = rng(18004);
  const pick = (s: string) => s[Math.floor(next() * s.length)];
  const word = (n: number, alphabet: string) => Array.from({ length: n }, () => pick(alphabet)).join("");
  const codeAlphabet = "BCDFGHJKLMNPQRSTVWXZ"; // RFC 8628 §6.1 suggests consonants only
  const urlAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
  const hosts = ["https://example.com", "https://auth.example.org", "http://127.0.0.1:8080", "https://login.microsoftonline.com"];
  const enc = new TextEncoder();
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 5;
    let bytes: Uint8Array;
    if (kind === 0) {
      bytes = enc.encode(`${word(4, codeAlphabet)}-${word(4, codeAlphabet)}`);
    } else if (kind === 1 || kind === 2) {
      const code = `${word(4, codeAlphabet)}-${word(4, codeAlphabet)}`;
      const path = word(Math.floor(next() * 120), urlAlphabet + "/");
      bytes = enc.encode(`${hosts[i % hosts.length]}/device/${path}?user_code=${code}`);
    } else if (kind === 3) {
      // UTF-8 text, several bytes per character.
      const chars = "aé€日本語ñ😀 ";
      bytes = enc.encode(word(1 + Math.floor(next() * 60), chars));
    } else {
      // Raw bytes of any value and length 1–200.
      bytes = new Uint8Array(1 + Math.floor(next() * 200));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(next() * 256);
    }
    out.push(bytes);
  }
  // Lengths right at each version's capacity edge.
  for (const n of [1, 14, 15, 17, 18, 26, 27, 32, 33, 42, 43, 53, 54, 62, 63, 78, 79, 84, 85, 106, 107, 122, 123, 134, 135, 152, 153, 154, 155, 180, 181, 192, 193, 213, 230, 231, 271]) {
    out.push(enc.encode("x".repeat(n)));
  }
  return out;
}

const INPUTS = payloads(220);

test("at least 200 payloads of 1 to about 200 bytes are compared", () => {
  assert.ok(INPUTS.length >= 200);
  const lengths = INPUTS.map((b) => b.length);
  assert.equal(Math.min(...lengths), 1);
  assert.ok(Math.max(...lengths) >= 200);
});

test("same version as qrcode-generator (auto) at L and M", () => {
  let compared = 0;
  for (const bytes of INPUTS) {
    for (const level of LEVELS) {
      const mine = firmwareEncode(bytes, level);
      if (bytes.length > MAX_BYTES[level]) {
        assert.equal(mine, null, `${bytes.length} bytes at ${level} is beyond version 10`);
        continue;
      }
      assert.ok(mine, `${bytes.length} bytes at ${level} fits`);
      const ref = referenceEncode(bytes, level).symbol;
      assert.equal(mine.version, ref.version, `version for ${bytes.length} bytes at ${level}`);
      compared++;
    }
  }
  assert.ok(compared >= 400, `compared ${compared}`);
});

test("same matrix as qrcode-generator for the firmware's mask and for qrcode-generator's own mask", () => {
  let agreed = 0;
  let total = 0;
  for (const bytes of INPUTS) {
    for (const level of LEVELS) {
      if (bytes.length > MAX_BYTES[level]) continue;
      const mine = firmwareEncode(bytes, level)!;
      assert.ok(mine.mask >= 0 && mine.mask <= 7);
      const refSame = referenceEncode(bytes, level, mine.mask).symbol;
      assert.ok(sameModules(mine, refSame), `${bytes.length} bytes at ${level}, mask ${mine.mask}: first difference ${firstDifference(mine, refSame)}`);

      // qrcode-generator scores masks with its own rules, so its choice may
      // differ; force the firmware to that mask and compare again.
      const refAuto = referenceEncode(bytes, level).symbol;
      const refMask = referenceChosenMask(bytes, level, refAuto);
      const forced = firmwareEncode(bytes, level, refMask)!;
      assert.equal(forced.mask, refMask);
      assert.ok(sameModules(forced, refAuto), `${bytes.length} bytes at ${level}, forced mask ${refMask}: first difference ${firstDifference(forced, refAuto)}`);
      if (refMask === mine.mask) agreed++;
      total++;
    }
  }
  console.log(`# mask choice agreed with qrcode-generator in ${agreed}/${total} symbols (its penalty rules differ from §7.8.3)`);
});

test("every mask pattern matches qrcode-generator on every version 1-10", () => {
  const next = rng(7);
  for (const level of LEVELS) {
    for (let version = 1; version <= 10; version++) {
      // One byte more than the previous version holds lands in this version.
      const length = version === 1 ? 1 : CAPACITY[level][version - 2] + 1;
      const bytes = Uint8Array.from({ length }, () => Math.floor(next() * 256));
      for (let mask = 0; mask < 8; mask++) {
        const mine = firmwareEncode(bytes, level, mask)!;
        const ref = referenceEncode(bytes, level, mask).symbol;
        assert.equal(mine.version, version);
        assert.equal(ref.version, version);
        assert.ok(sameModules(mine, ref), `version ${version} ${level} mask ${mask}: first difference ${firstDifference(mine, ref)}`);
      }
    }
  }
});

/** RGBA pixels of a symbol with a 4-module light quiet zone, `scale` pixels per module. */
function render(symbol: Symbol, scale: number, quiet = 4): { data: Uint8ClampedArray; width: number } {
  const width = (symbol.size + 2 * quiet) * scale;
  const data = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let py = 0; py < width; py++) {
    for (let px = 0; px < width; px++) {
      const mx = Math.floor(px / scale) - quiet;
      const my = Math.floor(py / scale) - quiet;
      if (mx >= 0 && my >= 0 && mx < symbol.size && my < symbol.size && symbol.modules[my * symbol.size + mx]) {
        const o = (py * width + px) * 4;
        data[o] = data[o + 1] = data[o + 2] = 0;
      }
    }
  }
  return { data, width };
}

test("jsQR decodes the firmware's symbols back to the same bytes", () => {
  const enc = new TextEncoder();
  const samples = [
    enc.encode("https://example.com/device?user_code=WDJB-MJHT"),
    enc.encode("WDJB-MJHT"),
    enc.encode("héllo wörld — ✓"),
    ...INPUTS.filter((_, i) => i % 23 === 0),
  ];
  let decoded = 0;
  for (const bytes of samples) {
    for (const level of LEVELS) {
      const mine = firmwareEncode(bytes, level);
      if (!mine) continue;
      const { data, width } = render(mine, 4);
      const result = jsQR(data, width, width);
      assert.ok(result, `jsQR found the symbol (${bytes.length} bytes, version ${mine.version} ${level}, mask ${mine.mask})`);
      assert.deepEqual(Uint8Array.from(result.binaryData), bytes);
      decoded++;
    }
  }
  const url = "https://example.com/device?user_code=WDJB-MJHT";
  const symbol = firmwareEncode(enc.encode(url), "M")!;
  const { data, width } = render(symbol, 3);
  assert.equal(jsQR(data, width, width)?.data, url);
  console.log(`# jsQR decoded ${decoded} symbols`);
});

test("too long for version 10 gives null, not a trap", () => {
  for (const level of LEVELS) {
    assert.ok(firmwareEncode(new Uint8Array(MAX_BYTES[level]), level));
    assert.equal(firmwareEncode(new Uint8Array(MAX_BYTES[level] + 1), level), null);
    assert.equal(firmwareEncode(new Uint8Array(2000), level), null);
  }
});

test("timing: a 60-byte URL, firmware (wasm, target test) vs qrcode-generator", () => {
  const url = new TextEncoder().encode("https://example.com/device?user_code=WDJB-MJHT&client=tv0001");
  assert.equal(url.length, 60);
  const rounds = 200;
  const time = (fn: () => void) => {
    for (let i = 0; i < 20; i++) fn(); // warm up
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) fn();
    return (performance.now() - t0) / rounds;
  };
  const ptr = fw.qr_input(url.length);
  new Uint8Array(fw.memory.buffer, ptr, url.length).set(url);
  const firmwareMs = time(() => {
    fw.qr_encode(url.length, 1, -1);
  });
  const referenceMs = time(() => {
    const qr = qrcode(0, "M");
    qr.addData(byteString(url), "Byte");
    qr.make();
  });
  console.log(`# encode 60-byte URL at M (version ${fw.qr_version()}), mean of ${rounds}: firmware ${firmwareMs.toFixed(3)} ms, qrcode-generator ${referenceMs.toFixed(3)} ms`);
});

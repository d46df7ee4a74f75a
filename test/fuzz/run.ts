// The fuzz driver. Targets:
//   json    the JSON reader; oracle: JSON.parse over a fatal TextDecoder
//   form    the form reader; oracle: URLSearchParams on what it accepts
//   url     the URL checker; oracle: the WHATWG URL parser
//   record  the token record codec (decode never traps; decode∘encode is identity)
//   store   the flash store (any flash content loads safely; a save loads back)
//   device  the release firmware itself: random and mutated answers fed to
//           every endpoint through its real completions (no trap, no
//           secret in any output, no terminal control in what it shows)
// Every input that ever failed is kept in test/fuzz/corpus/<target>/ and
// replayed first on every run.
//
//   node --import tsx test/fuzz/run.ts [--seed S] [--count N] [--target a,b] [--replay-only]
import { readFileSync, writeFileSync, readdirSync, mkdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { fuzzModule, instantiate } from "./module.ts";
import { ENDPOINTS, Endpoint, VALID, boardFor, reach, leaks, secretsOf, CLIENT_SECRET, classify } from "./scenario.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const CORPUS = join(ROOT, "test/fuzz/corpus");

// ---- options ---------------------------------------------------------------

function arg(name: string): string | undefined {
  const i = process.argv.indexOf("--" + name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const seed = Number(arg("seed") ?? process.env.FUZZ_SEED ?? Date.now() % 1000000);
const count = Number(arg("count") ?? 2000);
const targets = (arg("target") ?? "json,form,url,record,store,device").split(",");
const replayOnly = process.argv.includes("--replay-only");

// ---- seeded randomness (xorshift32; the seed is printed) -------------------

let rs = (seed >>> 0) || 1;
function rnd(): number {
  rs ^= rs << 13; rs >>>= 0;
  rs ^= rs >>> 17;
  rs ^= rs << 5; rs >>>= 0;
  return rs;
}
const below = (n: number) => rnd() % n;
const pick = <T>(a: readonly T[]): T => a[below(a.length)];

// ---- inputs ----------------------------------------------------------------

const enc = new TextEncoder();
const b = (s: string) => enc.encode(s);
const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/ /g, ""), "hex"));

const JSON_DICT: Uint8Array[] = [
  b('"'), b("\\"), b("\\u"), b("\\ud800"), b("\\udc00"), b("\\ud83d\\udd11"), b("{"), b("}"), b("["), b("]"), b(","), b(":"),
  b("1e308"), b("-0"), b("9007199254740993"), b("2.2250738585072011e-308"), b("1e-400"), b("0.1"), b("true"), b("null"),
  b("[[[[[[[[[[[[[[[[[["), b('{"a":'), b('"access_token"'), b("\u00e9"), b("\u{1F511}"),
  hex("c0 a2"), hex("c1 97"), hex("ed a0 80"), hex("f4 90 80 80"), hex("e2 80 ae"), hex("00"), hex("ef bb bf"), hex("ff"), hex("80"),
  hex("1b 5b 32 4a"), hex("c2 9b"),
];
const FORM_DICT: Uint8Array[] = [b("%"), b("%E9"), b("%C3%A9"), b("%C0%A2"), b("%ED%A0%80"), b("+"), b("&"), b("="), b("%2"), b("%zz"), b("%00"), hex("c3 a9"), b("?")];
const URL_DICT: Uint8Array[] = [b("://"), b(":"), b("@"), b("["), b("]"), b("::1"), b("%2e"), b("\\"), b("0x7f"), b("127.1"), b("65536"), b("0"), b(".."),
  b("/"), b("?"), b("#"), b("xn--"), b("\u00e9"), b("HTTPS"), b("localhost"), b(" "), b("\t")];

const JSON_SEEDS = [
  VALID.device_authorization(), VALID.token(1), VALID.pending(), VALID.discovery(), VALID.action(),
  '{"a":[1,2.5,-3e2,true,false,null,"x\\n\\u00e9"],"b":{"c":{}}}', "[]", '""', "0", '{"error":"slow_down","interval":10}',
];
const FORM_SEEDS = ["access_token=abc&token_type=bearer&expires_in=3600", "error=authorization_pending", "a=%C3%A9+b&c=", "device_code=x&user_code=ABCD-EFGH&interval=5"];
const URL_SEEDS = ["https://as.example/token", "http://127.0.0.1:8080/device", "https://[::1]:443/x?y#z", "https://a-b.example.com:65535/p", "http://localhost/"];

function randomJson(depth: number): unknown {
  const k = below(depth > 6 ? 4 : 7);
  if (k === 0) return below(2) === 0;
  if (k === 1) return pick([0, -1, 1e21, 3600, 0.5, 2 ** 53, 1e-7, 123456.789]);
  if (k === 2) return randomString();
  if (k === 3) return null;
  if (k === 4) return Array.from({ length: below(5) }, () => randomJson(depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = below(5); i > 0; i--) o[randomString()] = randomJson(depth + 1);
  return o;
}
function randomString(): string {
  const alphabet = ["a", "Z", "0", " ", '"', "\\", "/", "\n", "\u0000", "\u001b", "\u00e9", "\u20ac", "\u{1F511}", "\u202e", "access_token"];
  let s = "";
  for (let i = below(8); i > 0; i--) s += pick(alphabet);
  return s;
}

function mutate(src: Uint8Array, dict: Uint8Array[], seeds: Uint8Array[]): Uint8Array {
  let a = Array.from(src);
  for (let m = 1 + below(4); m > 0; m--) {
    const at = a.length ? below(a.length + 1) : 0;
    switch (below(9)) {
      case 0: if (a.length) a[below(a.length)] ^= 1 << below(8); break;
      case 1: if (a.length) a[below(a.length)] = below(256); break;
      case 2: a.splice(at, 0, below(256)); break;
      case 3: a.splice(at, 1 + below(8)); break;
      case 4: { const d = pick(dict); a.splice(at, 0, ...d); break; }
      case 5: { const o = pick(seeds); const s = below(o.length + 1); a.splice(at, below(8), ...o.subarray(s, s + below(32))); break; }
      case 6: a = a.slice(0, at); break;
      case 7: { const s = below(a.length + 1); const piece = a.slice(s, s + below(16)); for (let r = below(6); r > 0; r--) a.splice(at, 0, ...piece); break; }
      case 8: if (a.length) { const s = below(a.length); a[s] = pick([0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x25, 0x2b, 0x26, 0x3d]); } break;
    }
  }
  return Uint8Array.from(a.slice(0, 70000));
}

// ---- the fuzz module -------------------------------------------------------

let lastAccepted = 0;
class Entries {
  ex: any;
  peak = 0;
  constructor(private mod: WebAssembly.Module) { this.fresh(); }
  fresh(): void {
    this.ex = instantiate(this.mod);
  }
  /** Runs entry `name` on `input`: [status, output] or throws the trap (after re-instantiating). */
  call(name: string, input: Uint8Array): [number, string] {
    const n = Math.min(input.length, this.ex.in_cap());
    new Uint8Array(this.ex.memory.buffer, this.ex.in_ptr(), n).set(input.subarray(0, n));
    try {
      const st = this.ex[name](n);
      if (st === 1) lastAccepted++;
      const out = Buffer.from(new Uint8Array(this.ex.memory.buffer, this.ex.out_ptr(), this.ex.out_len())).toString("utf8");
      this.peak = Math.max(this.peak, this.ex.mem_bytes());
      return [st, out];
    } catch (e) {
      this.fresh();
      throw e;
    }
  }
}

// ---- oracles (return a failure message or "") ------------------------------

const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function sameJson(ours: unknown, ref: unknown): boolean {
  if (ours === null && typeof ref === "number") return true; // refused as not exactly readable
  if (typeof ref === "number") return typeof ours === "number" && ours === ref;
  if (ref === null || typeof ref !== "object") return ours === ref;
  if (Array.isArray(ref)) return Array.isArray(ours) && ours.length === ref.length && ref.every((v, i) => sameJson((ours as unknown[])[i], v));
  if (typeof ours !== "object" || ours === null || Array.isArray(ours)) return false;
  const rk = Object.keys(ref), ok = Object.keys(ours);
  return rk.length === ok.length && rk.every((k) => Object.prototype.hasOwnProperty.call(ours, k) && sameJson((ours as any)[k], (ref as any)[k]));
}

function checkJson(e: Entries, input: Uint8Array): string {
  const [st, out] = e.call("fuzz_json", input);
  let ref: unknown, refOk = true;
  try { ref = JSON.parse(fatal.decode(input)); } catch { refOk = false; }
  if (st === 1 && !refOk) return "accepted what JSON.parse (fatal UTF-8) refuses";
  // A refusal is a JSON fault and a byte offset (assembly/faults.ts, 260-270).
  const f = /^E(\d{3}) \d+$/.exec(out);
  if (st === 0 && (!f || Number(f[1]) < 260 || Number(f[1]) > 270)) return "refused without a JSON fault: " + out;
  // Valid JSON may be refused only for a limit (E260-E263) or an unpaired surrogate escape (E268, RFC 8259 §8.2).
  if (st === 0 && refOk && !(Number(f![1]) <= 263 || f![1] === "268")) return "refused valid JSON: " + out;
  if (st === 1) {
    let mine: unknown;
    try { mine = JSON.parse(out); } catch { return "canonical output is not JSON: " + out.slice(0, 80); }
    if (!sameJson(mine, ref)) return "read differently from JSON.parse: " + out.slice(0, 120);
  }
  return "";
}

function checkForm(e: Entries, input: Uint8Array): string {
  const [st, out] = e.call("fuzz_form", input);
  if (st !== 1) return "";
  const text = Buffer.from(input).toString("latin1").trim();
  if (text.startsWith("?")) return ""; // URLSearchParams drops a leading '?'; ours keeps it in the name
  const flat = JSON.parse(out) as string[];
  const ref = [...new URLSearchParams(text)].flat();
  return JSON.stringify(flat) === JSON.stringify(ref) ? "" : "read differently from URLSearchParams: " + out.slice(0, 120);
}

const DEFAULT_PORT: Record<string, string> = { "http:": "80", "https:": "443" };
function checkUrl(e: Entries, input: Uint8Array): string {
  const [st, out] = e.call("fuzz_url", input);
  if (st !== 1) return "";
  const [scheme, host, port] = out.split(" ").map((x) => JSON.parse(x) as string);
  if (scheme !== "http" && scheme !== "https") return "";
  let u: URL;
  try { u = new URL(fatal.decode(input)); } catch { return "accepted what WHATWG URL refuses"; }
  if (u.protocol !== scheme + ":") return "scheme differs: " + u.protocol;
  if (u.hostname !== host) return "host differs: ours " + host + ", WHATWG " + u.hostname;
  const p = port === DEFAULT_PORT[u.protocol] ? "" : port;
  if (u.port !== p) return "port differs: ours " + port + ", WHATWG " + u.port;
  return "";
}

function checkStatus(name: string) {
  return (e: Entries, input: Uint8Array): string => {
    const [st, out] = e.call(name, input);
    return st === 2 || out.includes("round trip changed") ? out : "";
  };
}

// A record or flash image with structure, so mutations reach deep branches.
function recordSeed(): Uint8Array {
  const fields = ["AT-1", "RT-1", "Bearer", "openid", "https://as.example", "tv"].map((s) => Buffer.from(s));
  const parts: Buffer[] = [Buffer.from([1, 10])];
  for (const f of fields) { const l = Buffer.alloc(4); l.writeUInt32LE(f.length); parts.push(l, f); }
  for (const n of [8, 4, 8, 4]) { const l = Buffer.alloc(4); l.writeUInt32LE(n); parts.push(l, Buffer.alloc(n, 1)); }
  return Uint8Array.from(Buffer.concat(parts));
}

// ---- the device target -----------------------------------------------------

const CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "application/x-www-form-urlencoded", "text/html", "", "text/plain"];
const STATUSES = [200, 200, 200, 400, 401, 403, 429, 500, 503, 302, -10, -11, -13, -14];

type DeviceCase = { endpoint: Endpoint; status: number; contentType: string; body: string /* base64 */ };

function deviceAnswer(endpoint: Endpoint, n: number): DeviceCase {
  const valid: Record<Endpoint, () => string> = {
    device_authorization: VALID.device_authorization, token: () => VALID.token(n + 100000), refresh: () => VALID.token(n + 100000),
    discovery: VALID.discovery, action: VALID.action,
  };
  const base = b(valid[endpoint]());
  const seeds = JSON_SEEDS.map(b);
  let body: Uint8Array;
  const k = below(10);
  if (k < 6) body = mutate(base, JSON_DICT, seeds);
  else if (k < 8) body = b(JSON.stringify(randomJson(0)));
  else if (k < 9) body = mutate(b(pick(FORM_SEEDS)), FORM_DICT, FORM_SEEDS.map(b));
  else body = Uint8Array.from({ length: below(2000) }, () => below(256));
  return { endpoint, status: pick(STATUSES), contentType: pick(CONTENT_TYPES), body: Buffer.from(body).toString("base64") };
}

/** Feeds one answer to `endpoint` on a board brought there; returns a failure message or "". */
const reached: Record<string, number> = {};
function runDeviceCase(c: DeviceCase, cache: Map<Endpoint, ReturnType<typeof boardFor>>): string {
  let entry = cache.get(c.endpoint);
  if (!entry || entry.board.traps > 0) { entry = boardFor(c.endpoint); cache.set(c.endpoint, entry); }
  const { board, n } = entry;
  const req = reach(board, c.endpoint, n);
  if (!req) { cache.delete(c.endpoint); return ""; } // could not get there this time; not the answer's fault
  reached[c.endpoint] = (reached[c.endpoint] ?? 0) + 1;
  const trapsBefore = board.traps;
  const mark = board.outputs.length;
  board.answer(req, { status: c.status, contentType: c.contentType, body: Buffer.from(c.body, "base64") });
  for (let i = 0; i < 3; i++) board.tick(board.now + 1000);
  if (board.traps > trapsBefore) return "trap: " + board.lastTrap;
  const secrets = [CLIENT_SECRET, secretsOf(n).at, secretsOf(n).rt];
  const bad = leaks(board.outputs.slice(mark), secrets);
  if (bad.length) return "output leaks a secret or a terminal control: " + JSON.stringify(bad[0]).slice(0, 160);
  if (board.peakMemory > 2 * 1024 * 1024) return "memory grew to " + board.peakMemory;
  return "";
}

// ---- corpus ----------------------------------------------------------------

function corpusDir(t: string): string {
  const d = join(CORPUS, t);
  mkdirSync(d, { recursive: true });
  return d;
}
function keep(t: string, data: Uint8Array | string, why: string): string {
  const buf = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
  const name = createHash("sha1").update(buf).digest("hex").slice(0, 16) + (t === "device" ? ".json" : ".bin");
  const p = join(corpusDir(t), name);
  if (!existsSync(p)) writeFileSync(p, buf);
  return `${t}/${name}: ${why}`;
}

// ---- main ------------------------------------------------------------------

type Target = { check: (e: Entries, input: Uint8Array) => string; gen: () => Uint8Array };

async function main(): Promise<number> {
  console.log(`fuzz: seed ${seed}, count ${count} per target, targets ${targets.join(",")}${replayOnly ? " (replay only)" : ""}`);
  const entries = new Entries(await fuzzModule());
  const jsonSeeds = JSON_SEEDS.map(b), formSeeds = FORM_SEEDS.map(b), urlSeeds = URL_SEEDS.map(b);
  const recSeed = recordSeed();
  const parserTargets: Record<string, Target> = {
    json: { check: checkJson, gen: () => below(3) === 0 ? b(JSON.stringify(randomJson(0))) : mutate(pick(jsonSeeds), JSON_DICT, jsonSeeds) },
    form: { check: checkForm, gen: () => mutate(pick(formSeeds), FORM_DICT, formSeeds) },
    url: { check: checkUrl, gen: () => mutate(pick(urlSeeds), URL_DICT, urlSeeds) },
    record: { check: checkStatus("fuzz_record"), gen: () => mutate(recSeed, [hex("ffffffff"), hex("00000000"), hex("c0 80")], [recSeed]) },
    store: { check: checkStatus("fuzz_store"), gen: () => {
      if (below(8) === 0) return Uint8Array.from({ length: 2049 + below(4096) }, () => below(256));
      const mask = new Uint8Array(2048);
      for (let k = 1 + below(4); k > 0; k--) mask[below(2048)] = 1 << below(8);
      if (below(4) === 0) { const s = below(2048); mask.fill(below(256), s, s + below(64)); }
      return mask;
    } },
  };
  const failures: string[] = [];
  for (const t of targets) {
    const started = Date.now();
    let replayed = 0, ran = 0, accepted = 0;
    if (t === "device") {
      const cache = new Map<Endpoint, ReturnType<typeof boardFor>>();
      for (const f of readdirSync(corpusDir(t)).sort()) {
        const c = JSON.parse(readFileSync(join(corpusDir(t), f), "utf8")) as DeviceCase;
        const why = runDeviceCase(c, cache);
        replayed++;
        if (why) failures.push(`device/${f} (corpus): ${why}`);
      }
      if (!replayOnly) {
        for (let i = 0; i < count; i++) {
          const c = deviceAnswer(ENDPOINTS[i % ENDPOINTS.length], i);
          const why = runDeviceCase(c, cache);
          ran++;
          if (why) failures.push(keep(t, JSON.stringify(c), why));
        }
      }
      let peak = 0;
      for (const { board } of cache.values()) peak = Math.max(peak, board.peakMemory);
      console.log(`  device: ${replayed} replayed, ${ran} answers generated, reached ${JSON.stringify(reached)}, firmware memory peak ${peak} bytes, ${Date.now() - started} ms`);
      continue;
    }
    const target = parserTargets[t];
    if (!target) throw new Error("unknown target " + t);
    const run = (input: Uint8Array, fromCorpus: string | null) => {
      let why: string;
      const before = lastAccepted;
      try { why = target.check(entries, input); } catch (e) { why = "trap: " + String((e as Error).message ?? e); }
      if (why) failures.push(fromCorpus ? `${t}/${fromCorpus} (corpus): ${why}` : keep(t, input, why));
    };
    for (const f of readdirSync(corpusDir(t)).sort()) { run(Uint8Array.from(readFileSync(join(corpusDir(t), f))), f); replayed++; }
    if (!replayOnly) {
      for (let i = 0; i < count; i++) {
        const input = target.gen();
        run(input, null);
        ran++;
      }
    }
    accepted = lastAccepted;
    lastAccepted = 0;
    console.log(`  ${t}: ${replayed} replayed, ${ran} inputs (${accepted} accepted), module memory peak ${entries.peak} bytes, ${Date.now() - started} ms`);
  }
  for (const f of failures.slice(0, 40)) console.log("  FAIL " + f);
  console.log(failures.length ? `fuzz: ${failures.length} failing input(s) (kept in test/fuzz/corpus/)` : "fuzz: no failures");
  return failures.length ? 1 : 0;
}

process.exit(await main());

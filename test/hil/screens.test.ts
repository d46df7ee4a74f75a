// Hardware-in-loop: what the person sees and hears while linking.
//
// TV and OLED: the simulator writes its pixel display to a PNG after every
// frame (--snapshot); a real decoder (zbarimg) reads the QR code from it,
// the text must be the verification_uri_complete the server issued
// (observed on the wire by the proxy), and a real browser (headless
// Chromium through playwright-core) opens the decoded URL and approves, as
// the person's phone would. The device must end up linked.
//
// Speaker: no display at all; the code and URL are spoken.
//
// That the longest URL and user code the firmware accepts never overflow
// the TV or the OLED is checked at unit level (test/unit/screens.spec.ts),
// where every drawn line's box is known.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { chromium } from "playwright-core";
// @ts-ignore -- the package ships no type declarations
import { PNG } from "pngjs";
import { Framebuffer } from "../../host/framebuffer.ts";
import { startAuthServer, AuthServer } from "../support/servers.ts";
import { startFaultProxy, FaultProxy } from "../support/fault-proxy.ts";
import { Device, TraceLine } from "../support/device.ts";

const ZBARIMG = "/usr/bin/zbarimg";
const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
  "--no-first-run", "--disable-component-update", "--disable-sync",
];

let server: AuthServer;

before(async () => {
  server = await startAuthServer({ deviceCodeTtl: 600 });
});
after(async () => {
  await server.close();
});

interface Rig {
  proxy: FaultProxy;
  device: Device;
  /** Every device authorization response the device received, as sent. */
  issued: Record<string, unknown>[];
  snapshot: string;
  close(): Promise<void>;
}

async function rig(board: string, snapshot: boolean): Promise<Rig> {
  const issued: Record<string, unknown>[] = [];
  const proxy = await startFaultProxy(server.url, {
    interval: 1,
    rewriteDeviceResponse: (body) => {
      issued.push({ ...body });
      return body;
    },
  });
  const dir = mkdtempSync(join(tmpdir(), "linkfw-screens-"));
  const file = join(dir, "frame.png");
  const device = new Device({
    config: proxy.deviceConfigFor(server.deviceConfig()),
    board,
    extraArgs: snapshot ? ["--snapshot", file] : [],
  });
  return {
    proxy, device, issued, snapshot: file,
    async close() {
      await device.stop();
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first line after `after` (a line already in the trace) that matches. */
function lineAfter(d: Device, after: TraceLine, pred: (l: TraceLine) => boolean, what: string): Promise<TraceLine> {
  return d.waitFor((l) => d.lines.indexOf(l) > d.lines.indexOf(after) && pred(l), 20000, what);
}

/** Decodes the QR code in a PNG with zbarimg; null when it finds none. */
/**
 * Decodes the QR code in a snapshot with zbarimg. The picture is first
 * enlarged 4× (nearest neighbour), as a phone's camera sees a small panel
 * from close up: at one pixel per module zbarimg's scanner misses now and
 * then, which is a limit of the decoder, not of the symbol.
 */
function decodeQr(file: string): Promise<string | null> {
  const src = PNG.sync.read(readFileSync(file));
  const k = 4;
  const big = new PNG({ width: src.width * k, height: src.height * k });
  for (let y = 0; y < big.height; y++) {
    for (let x = 0; x < big.width; x++) {
      const from = ((Math.floor(y / k) * src.width) + Math.floor(x / k)) * 4;
      src.data.copy(big.data, (y * big.width + x) * 4, from, from + 4);
    }
  }
  const scaled = file.replace(/\.png$/, "") + ".x4.png";
  writeFileSync(scaled, PNG.sync.write(big));
  return new Promise((resolve, reject) => {
    execFile(ZBARIMG, ["--raw", "-q", scaled], { timeout: 20000 }, (err, stdout) => {
      // zbarimg exits 4 when the picture holds no symbol.
      if (err && (err as { code?: unknown }).code === 4) return resolve(null);
      if (err) return reject(err);
      resolve(stdout.replace(/\r?\n$/, ""));
    });
  });
}

/**
 * The person's phone: headless Chromium opens the URL from the QR code
 * (verification_uri_complete: the code is filled in), confirms the code,
 * signs in with the development login and grants consent, by clicking the
 * provider's own buttons. Returns how long it took, ms.
 */
async function approveInBrowser(url: string, userCode: string): Promise<number> {
  const t0 = performance.now();
  const profile = mkdtempSync(join(tmpdir(), "linkfw-chromium-"));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    page.setDefaultTimeout(15000);
    // The complete URI answers with a page that submits itself to the
    // confirmation page; waiting for a selector waits across both.
    await page.goto(url);
    await page.waitForSelector("#user-code");
    assert.equal((await page.textContent("#user-code"))?.trim(), userCode, "the phone shows the code the device showed");
    await page.click('button[form="op.deviceConfirmForm"]:not([name="abort"])');
    await page.waitForSelector('input[name="login"]');
    await page.fill('input[name="login"]', "alice");
    await page.fill('input[name="password"]', "any-password");
    await page.click("button.login-submit");
    await page.waitForSelector('#success, input[name="prompt"][value="consent"]', { state: "attached" });
    if ((await page.locator("#success").count()) === 0) {
      await page.click("button.login-submit");
      await page.waitForSelector("#success");
    }
    assert.equal(await page.title(), "Sign-in Success");
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return performance.now() - t0;
}

for (const board of ["tv", "oled"]) {
  test(`${board}: the QR code on the screen decodes to the issued verification_uri_complete; a browser approves it; linked`, async (t) => {
    const r = await rig(board, true);
    try {
      const awaiting = await r.device.waitState("awaiting_approval");
      const frame = await lineAfter(r.device, awaiting, (l) => l.ev === "frame", "a frame of the linking screen");
      assert.equal(frame.file, r.snapshot);
      assert.deepEqual([frame.w, frame.h], board === "tv" ? [480, 272] : [128, 64], "frame size is the display's");
      assert.ok(existsSync(r.snapshot), "the PNG was written");

      assert.equal(r.issued.length, 1, "one device authorization");
      const complete = r.issued[0].verification_uri_complete;
      const userCode = r.issued[0].user_code;
      assert.equal(typeof complete, "string", "the server issued verification_uri_complete");
      assert.equal(typeof userCode, "string");

      const decoded = await decodeQr(r.snapshot);
      assert.equal(decoded, complete, "zbarimg reads exactly the complete URI from the screen");

      const ms = await approveInBrowser(decoded!, String(userCode));
      t.diagnostic(`${board}: Chromium approval took ${Math.round(ms)} ms`);

      const linked = await r.device.waitState("linked", 15000);
      // The linked screen has no QR code any more.
      await lineAfter(r.device, linked, (l) => l.ev === "frame", "a frame of the linked screen");
      assert.equal(await decodeQr(r.snapshot), null, "no QR code once linked");
    } finally {
      await r.close();
    }
  });
}

test("speaker: the URL and every character of the code are spoken; nothing is displayed", async () => {
  const r = await rig("speaker", false);
  try {
    await r.device.waitState("awaiting_approval");
    assert.equal(r.issued.length, 1);
    const uri = String(r.issued[0].verification_uri);
    const code = String(r.issued[0].user_code);
    const said = await r.device.waitFor((l) => l.ev === "say" && spokenUrl(uri).test(l.text), 10000, "the URL spoken");
    assert.match(said.text, spokenCode(code), `every character of ${code}, in order: ${said.text}`);
    assert.equal(r.device.lines.filter((l) => l.ev === "display" || l.ev === "frame").length, 0, "no display events on a speaker");
  } finally {
    await r.close();
  }
});

test("speak: without espeak-ng the simulator says so once and goes on", async () => {
  const proxy = await startFaultProxy(server.url, { interval: 1 });
  // No espeak-ng on this PATH (node itself is started by absolute path).
  const device = new Device({
    config: proxy.deviceConfigFor(server.deviceConfig()), board: "speaker", extraArgs: ["--speak"],
    env: { PATH: "/nonexistent" },
  });
  try {
    await device.waitState("awaiting_approval");
    await device.waitFor((l) => l.ev === "sim" && /espeak-ng is not installed/.test(l.text), 10000, "the notice");
    device.press("link"); // a new code, spoken again
    await device.next((l) => l.ev === "say", 10000, "another say line");
    await new Promise((res) => setTimeout(res, 300));
    assert.equal(device.lines.filter((l) => l.ev === "sim" && /espeak-ng/.test(l.text)).length, 1, "told once");
    assert.equal(device.states().at(-1), "awaiting_approval", "still running");
  } finally {
    await device.stop();
    await proxy.close();
  }
});

// ---- the host framebuffer --------------------------------------------------

test("framebuffer: blits, PNG colours (RGB565 expanded, mono lit = white), scale", () => {
  const fb = new Framebuffer(4, 2, "rgb565");
  // Red, green, blue, white in the first row; little-endian words.
  const row = new Uint8Array([0x00, 0xf8, 0xe0, 0x07, 0x1f, 0x00, 0xff, 0xff]);
  assert.equal(fb.blit(0, 0, 4, 1, row, 2), true, "a change");
  assert.equal(fb.blit(0, 0, 4, 1, row, 2), false, "the same pixels again: no change");
  assert.equal(fb.version, 1);
  assert.throws(() => fb.blit(3, 1, 2, 1, new Uint8Array(4), 2), /outside/);
  const png = PNG.sync.read(fb.toPng(3));
  assert.deepEqual([png.width, png.height], [12, 6]);
  const at = (x: number, y: number) => [...png.data.subarray((y * png.width + x) * 4, (y * png.width + x) * 4 + 3)];
  assert.deepEqual(at(0, 0), [255, 0, 0]);
  assert.deepEqual(at(5, 2), [0, 255, 0], "scaled: pixel (1,0) covers 3..5 × 0..2");
  assert.deepEqual(at(6, 0), [0, 0, 255]);
  assert.deepEqual(at(11, 2), [255, 255, 255]);
  assert.deepEqual(at(0, 3), [0, 0, 0], "second row untouched: black");

  const mono = new Framebuffer(2, 1, "mono");
  mono.blit(0, 0, 2, 1, new Uint8Array([1, 0]), 1);
  const m = PNG.sync.read(mono.toPng());
  assert.deepEqual([...m.data.subarray(0, 3)], [255, 255, 255], "lit is white");
  assert.deepEqual([...m.data.subarray(4, 7)], [0, 0, 0], "dark is black");
});

test("framebuffer: half blocks in a terminal, scaled down to fit", () => {
  const fb = new Framebuffer(4, 4, "mono");
  // Rows: top row lit, second dark, third left half lit, fourth all lit.
  fb.blit(0, 0, 4, 4, new Uint8Array([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 1]), 1);
  assert.deepEqual(fb.toTerminal({ color: false }), ["▀▀▀▀", "██▄▄"]);
  const colour = fb.toTerminal({ color: true });
  assert.equal(colour.length, 2);
  assert.match(colour[0], /\x1b\[38;2;255;255;255;48;2;0;0;0m▀/);
  assert.ok(colour[0].endsWith("\x1b[0m"));
  const wide = new Framebuffer(480, 272, "rgb565");
  const lines = wide.toTerminal({ color: false, maxCols: 100 });
  assert.ok(lines.every((l) => [...l].length <= 100), "no line wider than the terminal");
  assert.equal(lines.length, Math.ceil(Math.ceil(272 / 5) / 2), "480 → 96 columns (a factor of 5), two rows a line");
});

// ---- how a spoken URL or code may read --------------------------------------

const DIGIT_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];
const SYMBOL_WORDS: Record<string, string> = {
  ".": "dot", "/": "slash", ":": "colon", "-": "dash", "_": "underscore", "?": "question mark",
  "=": "equals", "&": "and", "%": "percent", "#": "hash", "~": "tilde", "@": "at", "+": "plus",
};

function reEscape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A character as written or as a word ("1" or "one", "." or "dot"). */
function spokenChar(c: string): string {
  if (/[0-9]/.test(c)) return `(?:${c}|${DIGIT_WORDS[Number(c)]})`;
  if (SYMBOL_WORDS[c]) return `(?:${reEscape(c)}|${SYMBOL_WORDS[c]})`;
  return reEscape(c);
}

/** The URL written out, or read out word by word; the https:// prefix and a final slash may be left out. */
function spokenUrl(uri: string): RegExp {
  const m = /^(https?):\/\/(.*?)\/?$/i.exec(uri);
  const scheme = m ? m[1].toLowerCase() : "";
  const rest = m ? m[2] : uri;
  const sep = "[\\s,]*";
  const schemeRe = scheme
    ? `(?:${[...`${scheme}://`].map(spokenChar).join(sep)}${sep})${scheme === "https" ? "?" : ""}`
    : "";
  return new RegExp(schemeRe + [...rest].map(spokenChar).join(sep) + `(?:${sep}(?:/|slash))?`, "i");
}

/** Every character of the code in order (separators skipped), each maybe followed by "as in <word>". */
function spokenCode(code: string): RegExp {
  const chars = [...code].filter((c) => c !== "-" && c !== " ");
  return new RegExp(chars.map((c) => `${spokenChar(c)}(?: as in [\\w-]+)?`).join("[\\s,;.]+"));
}

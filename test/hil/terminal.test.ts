// The interactive simulator in a real 80×24 pseudo-terminal (tmux), read the
// way a person reads it: the URL and the grouped code must be on the visible
// screen as plain text, the code must be the one that links, the terminal
// QR code must scan once the window is large enough, and no mistake a new
// user makes ends in a stack trace.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jsQRModule from "jsqr";
import { ROOT } from "../support/device.ts";
import { approve } from "../support/phone.ts";

type JsQR = typeof import("jsqr").default;
const jsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;

const SOCKET = `linkfw-test-${process.pid}`;
const SIM = `node --import tsx ${join(ROOT, "host", "sim.ts")}`;
const dirs: string[] = [];

function tmux(...args: string[]): string {
  const r = spawnSync("tmux", ["-L", SOCKET, ...args], { encoding: "utf8" });
  if (r.error) throw new Error(`tmux is needed for this test (Debian: apt-get install tmux; .ci/setup installs it): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`tmux ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

after(() => {
  spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "linkfw-term-"));
  dirs.push(d);
  return d;
}

/** Starts `command` in a new detached session of cols × rows. */
function session(name: string, command: string, cols = 80, rows = 24): void {
  tmux("new-session", "-d", "-s", name, "-x", String(cols), "-y", String(rows), "-c", ROOT, `${command}; echo "exit status $?"; sleep 600`);
}

function screen(name: string): string {
  return tmux("capture-pane", "-p", "-t", name);
}

async function waitScreen(name: string, re: RegExp, what: string, timeoutMs = 30000): Promise<string> {
  const until = Date.now() + timeoutMs;
  let s = "";
  while (Date.now() < until) {
    s = screen(name);
    if (re.test(s)) return s;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}; the screen:\n${s}`);
}

function type(name: string, text: string): void {
  tmux("send-keys", "-t", name, "-l", text);
  tmux("send-keys", "-t", name, "Enter");
}

const URL_RE = /^ {2}(http:\/\/127\.0\.0\.1:\d+\/device)\s*$/m;
const CODE_RE = /and enter the code: +([B-DF-HJ-NP-TV-XZ]{4}-[B-DF-HJ-NP-TV-XZ]{4})\b/;

/** The half-block QR code on a captured screen, as a grey image for jsQR (4 pixels per module). */
function qrFromScreen(text: string): string | null {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^█{21,}\s*$/.test(l));
  if (start < 0) return null;
  const width = [...lines[start].trimEnd()].length;
  const rows: boolean[][] = []; // true = light
  for (let i = start; i < lines.length; i++) {
    const chars = [...lines[i].padEnd(width).slice(0, width)];
    if (!chars.every((c) => "█▀▄ ".includes(c))) break;
    const top: boolean[] = [], bottom: boolean[] = [];
    for (const c of chars) {
      top.push(c === "█" || c === "▀");
      bottom.push(c === "█" || c === "▄");
    }
    rows.push(top, bottom);
  }
  const S = 4;
  const margin = 4 * S;
  const w = width * S + 2 * margin, h = rows.length * S + 2 * margin;
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < rows.length; y++) {
    for (let x = 0; x < width; x++) {
      if (rows[y][x]) continue;
      for (let dy = 0; dy < S; dy++) {
        for (let dx = 0; dx < S; dx++) {
          const o = ((margin + y * S + dy) * w + margin + x * S + dx) * 4;
          data[o] = data[o + 1] = data[o + 2] = 0;
        }
      }
    }
  }
  return jsQR(data, w, h)?.data ?? null;
}

test("80×24: URL and grouped code in plain text, the code links, logs stay quiet, QR scans when the window grows", async () => {
  const dir = tempDir();
  session("link", `${SIM} --data ${dir}`);
  const s = await waitScreen("link", CODE_RE, "the code on the 80×24 screen");
  const uri = URL_RE.exec(s)?.[1];
  const code = CODE_RE.exec(s)![1];
  assert.ok(uri, `the URL on a line of its own:\n${s}`);
  assert.ok(s.trimEnd().split("\n").length <= 24, "fits 24 rows");
  for (const l of s.split("\n")) assert.ok([...l].length <= 80, `no line wider than the terminal: ${l}`);

  // Wait for at least one poll (answered 400 authorization_pending): it stays out of the view.
  await new Promise((r) => setTimeout(r, 6000));
  assert.doesNotMatch(screen("link"), /→ 400/, "no poll lines without --verbose");

  // Larger window: the terminal QR code appears and scans to the complete URI.
  tmux("resize-window", "-t", "link", "-x", "120", "-y", "50");
  const big = await waitScreen("link", /^█{21,}/m, "the terminal QR code at 120×50");
  const decoded = qrFromScreen(big);
  assert.equal(decoded, `${uri}?user_code=${code}`, `the QR code scans:\n${big}`);

  // The code read off the screen links the device.
  await approve(uri!, code, { user: "frank" });
  const linked = await waitScreen("link", /state: linked/, "linked");
  assert.doesNotMatch(linked, /To link this device/, "the linking block goes away once linked");
  type("link", "who am i");
  await waitScreen("link", /signed in as frank/i, "the answer to who am i");
  type("link", "/nosuch");
  await waitScreen("link", /unknown command \/nosuch/, "the unknown command note");
  type("link", "/snap");
  const snapped = await waitScreen("link", /wrote (\S+\.png)/, "the /snap note");
  assert.ok(snapped.includes(tmpdir()), "/snap writes to the temporary directory, not the repository");
  type("link", "/quit");
  const end = await waitScreen("link", /exit status \d+/, "the simulator to exit");
  assert.match(end, /exit status 0/, "/quit exits cleanly");
  assert.doesNotMatch(end, /^\s+at /m, "no stack trace on the way out");
});

test("the mistakes a new user makes end in one clear line, never a stack trace", async () => {
  const dir = tempDir();
  const run = (args: string[]) => spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "host", "sim.ts"), ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 30000, input: "",
  });
  const cases: { args: string[]; says: RegExp }[] = [
    { args: ["--board", "nosuch"], says: /boards: oled, speaker, tv/ },
    { args: ["--frobnicate"], says: /unknown option --frobnicate/ },
    { args: ["--port", "http"], says: /--port must be a positive number/ },
    { args: ["--port", "70000"], says: /--port must be a whole number/ },
    { args: ["--code-ttl"], says: /--code-ttl needs a value/ },
    { args: ["--config", join(dir, "missing.json"), "--data", dir], says: /cannot read --config/ },
    { args: ["--wasm", join(dir, "missing.wasm"), "--data", dir], says: /firmware module .* not found; build it with: npm run build/ },
    { args: ["--lan", "--config", "x.json"], says: /--lan applies to the embedded authorization server/ },
    { args: ["--actions", join(dir, "missing.json"), "--data", dir], says: /cannot read --actions/ },
    // An option value that carries terminal control sequences is printed inert.
    { args: ["--board", "tv\x1b]0;owned\x07\x1b[2J"], says: /board profile 'tv'/ },
  ];
  for (const c of cases) {
    const r = run(c.args);
    assert.equal(r.status, 2, `${c.args.join(" ")}: exit status 2\n${r.stderr}`);
    assert.match(r.stderr, c.says, c.args.join(" "));
    assert.doesNotMatch(r.stderr, /^\s+at /m, `${c.args.join(" ")}: no stack trace\n${r.stderr}`);
    assert.doesNotMatch(r.stderr, /[\x1b\x07]/, `${JSON.stringify(c.args)}: no control characters reach the terminal`);
  }
});

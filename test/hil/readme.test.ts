// The README says what the program does: its option table and event list
// are the program's own (host/sim-args.ts), its examples run, its links
// resolve. A change to either side without the other fails here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { ROOT } from "../support/device.ts";
import { HEADLESS_EVENTS, OPTIONS, USAGE } from "../../host/sim-args.ts";
import { composeScreen } from "../../host/terminal.ts";
import { lanAddress } from "../../host/authserver.ts";

const README = readFileSync(join(ROOT, "README.md"), "utf8");

/** Rows of the Markdown table whose header row starts with `| first |`. */
function tableRows(md: string, first: string): string[][] {
  const lines = md.split("\n");
  const at = lines.findIndex((l) => l.startsWith(`| ${first} |`));
  assert.ok(at >= 0, `a table starting with "| ${first} |"`);
  const rows: string[][] = [];
  for (let i = at + 2; i < lines.length && lines[i].startsWith("|"); i++) {
    rows.push(lines[i].slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim()));
  }
  return rows;
}

/** Fenced code blocks of a language. */
function blocks(md: string, lang: string): string[] {
  return [...md.matchAll(new RegExp("```" + lang + "\\n([\\s\\S]*?)```", "g"))].map((m) => m[1]);
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "linkfw-readme-"));
}

/** Runs `npm start -s -- ARGS` (as the README says) and feeds `input` lines once the device has booted. */
function npmStart(args: string[], input: string[], until: (lines: any[]) => boolean, timeoutMs = 60000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolvePromise, reject) => {
    // Its own process group, so a timeout stops npm and the simulator under it.
    const p = spawn("npm", ["start", "-s", "--", ...args], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], detached: true });
    let stdout = "", stderr = "", fed = false;
    const parsed: any[] = [];
    const timer = setTimeout(() => {
      try {
        process.kill(-p.pid!, "SIGTERM");
      } catch {
        p.kill("SIGTERM");
      }
      reject(new Error(`npm start ${args.join(" ")} did not finish:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
    }, timeoutMs);
    p.stdout.setEncoding("utf8");
    p.stdout.on("data", (c: string) => {
      stdout += c;
      const lines = stdout.split("\n").filter((l) => l.trim());
      parsed.length = 0;
      for (const l of lines) {
        try {
          parsed.push(JSON.parse(l));
        } catch {
          parsed.push({ ev: "unparsable", text: l });
        }
      }
      if (!fed && parsed.some((l) => l.ev === "boot")) {
        fed = true;
        for (const l of input) p.stdin.write(l + "\n");
      }
      if (until(parsed)) p.stdin.write('{"quit":true}\n');
    });
    p.stderr.setEncoding("utf8");
    p.stderr.on("data", (c: string) => (stderr += c));
    p.on("exit", (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code });
    });
  });
}

test("the option table is the program's option list, and --help prints it", () => {
  const rows = tableRows(README, "option");
  assert.deepEqual(
    rows.map((r) => [r[0], r[1]]),
    OPTIONS.map((o) => [`\`${o.flag}${o.value ? " " + o.value : ""}\``, o.help]),
  );
  const r = spawnSync("npm", ["start", "-s", "--", "--help"], { cwd: ROOT, encoding: "utf8", timeout: 120000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, USAGE, "stdout is the usage and nothing else");
  for (const o of OPTIONS) assert.ok(r.stdout.includes(o.flag), o.flag);
  // And every option the parser knows is in the list.
  const parser = readFileSync(join(ROOT, "host", "sim-args.ts"), "utf8");
  const parsed = [...parser.matchAll(/case "(--[\w-]+)"/g)].map((m) => m[1]);
  assert.deepEqual([...new Set(parsed)].sort(), OPTIONS.map((o) => o.flag).sort());
});

test("the headless event list is the program's, and every event the host emits is on it", () => {
  const rows = tableRows(README, "`ev`");
  assert.deepEqual(rows.map((r) => [r[0], r[1].replace(/\\\|/g, "|")]), HEADLESS_EVENTS.map((e) => [`\`${e.ev}\``, e.help]));
  const listed = new Set(HEADLESS_EVENTS.map((e) => e.ev));
  for (const f of ["runtime.ts", "sim.ts"]) {
    const src = readFileSync(join(ROOT, "host", f), "utf8");
    for (const m of src.matchAll(/\bev: "(\w+)"/g)) assert.ok(listed.has(m[1]), `host/${f} emits "${m[1]}", which the list lacks`);
  }
});

test("README example: `npm start -s -- --headless` with the documented input gives JSON lines only", async () => {
  const dir = tempDir();
  try {
    const input = [...README.matchAll(/`(\{"(?:button|say)"[^`]*\})`/g)].map((m) => m[1]);
    assert.ok(input.length >= 2, "the README shows the headless input");
    const r = await npmStart(["--headless", "--data", dir], input, (ls) => ls.some((l) => l.ev === "utterance"));
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.split("\n").filter((l) => l.length > 0);
    assert.ok(lines.length > 5);
    const events = new Set(HEADLESS_EVENTS.map((e) => e.ev));
    for (const l of lines) {
      const o = JSON.parse(l); // throws on anything but JSON
      assert.ok(events.has(o.ev), `documented event: ${l}`);
    }
    assert.ok(lines.some((l) => JSON.parse(l).ev === "button"), "the button line was delivered");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("README example: the device configuration is accepted by the firmware", async () => {
  const dir = tempDir();
  try {
    const configs = blocks(README, "json").concat(blocks(readFileSync(join(ROOT, "config", "README.md"), "utf8"), "json"));
    const deviceConfigs = configs.map((b) => JSON.parse(b)).filter((c) => "client_id" in c);
    assert.ok(deviceConfigs.length >= 2, "README and config/README show a device configuration");
    for (const [i, c] of deviceConfigs.entries()) {
      const file = join(dir, `config-${i}.json`);
      writeFileSync(file, JSON.stringify(c));
      const r = await npmStart(["--headless", "--config", file, "--data", join(dir, `d${i}`)], [],
        (ls) => ls.some((l) => l.ev === "state" && (l.state === "requesting_code" || l.state === "backoff" || l.state === "error")));
      const lines = r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
      assert.ok(!lines.some((l) => l.ev === "log" && /\[E1[0-3]\d\]|^E1[0-3]\d\b/.test(l.text)), `no configuration error for example ${i}:\n${r.stdout}`);
      assert.ok(lines.some((l) => l.ev === "state" && l.state === "requesting_code"), "it goes on to discovery");
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("README example: `npm start -- --lan` names the LAN address (or says there is none)", async () => {
  const dir = tempDir();
  try {
    assert.ok(blocks(README, "sh").some((b) => b.includes("npm start -- --lan")));
    const lan = lanAddress();
    if (lan === null) {
      const r = spawnSync("npm", ["start", "-s", "--", "--lan", "--headless", "--data", dir], { cwd: ROOT, encoding: "utf8", input: "" });
      assert.match(r.stderr, /no network address other than loopback/);
      return;
    }
    const r = await npmStart(["--lan", "--headless", "--data", dir], [],
      (ls) => ls.some((l) => l.ev === "display" && /Enter code/.test(l.text)));
    const lines = r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
    assert.ok(lines.some((l) => l.ev === "sim" && l.text.includes(`http://${lan}:`)), "the notice names the LAN address");
    const screen = lines.find((l) => l.ev === "display" && /Enter code/.test(l.text));
    assert.match(screen.text, new RegExp(`Open: http://${lan.replace(/\./g, "\\.")}:\\d+/device`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("README: the shell examples are commands the project has; the text block is what the terminal prints", () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
  for (const b of blocks(README, "sh")) {
    for (const line of b.split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean)) {
      const m = /^npm (start|test|run (\w[\w:]*))\b/.exec(line);
      assert.ok(m, `a known command: ${line}`);
      assert.ok(scripts[m[2] ?? m[1]], `package.json has the script for: ${line}`);
    }
  }
  const sample = blocks(README, "text").find((b) => b.includes("To link this device"));
  assert.ok(sample, "the README shows the plain-text linking block");
  const url = /http:\/\/\S+/.exec(sample!)![0];
  const code = /code: +(\S+)/.exec(sample!)![1];
  const lines = composeScreen({
    header: "Board: tv", link: { uri: url, code, complete: "" }, canOpen: true, frame: null, textDisplay: null,
    status: "LED: pulse", said: [], log: [], hint: "Type", color: false,
  }, 80, 24);
  for (const l of sample!.trimEnd().split("\n")) assert.ok(lines.includes(l), `the terminal prints: ${l}`);
});

test("docs have no dangling links or references", () => {
  const docs = ["README.md", "config/README.md", "bench/README.md", "boards/ABI.md"];
  for (const d of docs) {
    const text = readFileSync(join(ROOT, d), "utf8");
    assert.doesNotMatch(text, /DESIGN\.md/, `${d} refers to a DESIGN.md that is not in the repository`);
    for (const m of text.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
      const target = m[1];
      if (/^https?:/.test(target)) continue;
      assert.ok(existsSync(resolve(ROOT, dirname(d), target)), `${d} links to ${target}, which does not exist`);
    }
  }
  // Paths named in backticks in the README exist.
  for (const m of README.matchAll(/`((?:host|assembly|test|bench|config|boards|\.ci)\/[\w./-]+)`/g)) {
    if (m[1].includes("BOARD") || m[1] === "bench/results.json") continue; // placeholders and what `npm run bench` writes
    assert.ok(existsSync(join(ROOT, m[1])), `README names ${m[1]}, which does not exist`);
  }
  assert.ok(readdirSync(join(ROOT, "host")).includes("textsafe.ts"));
});

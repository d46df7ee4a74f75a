// The simulator as a person uses it: `npm start` with its embedded servers on
// a data directory, link with the phone, stop, start again. The firmware,
// the host, the embedded authorization server and the backend are all real.
import { test, afterEach } from "node:test";
import assert from "node:assert/strict";
import { spawn, ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../support/device.ts";
import { abandon, approve } from "../support/phone.ts";

type Line = { ev: string; [k: string]: any };

/** Every simulator a test started; stopped after each test, even a failed one, so none outlives it. */
const running = new Set<Sim>();
afterEach(async () => {
  await Promise.all([...running].map((s) => s.stop()));
});

/** The simulator in headless mode with its embedded servers. */
class Sim {
  readonly lines: Line[] = [];
  readonly raw: string[] = [];
  stderr = "";
  private proc: ChildProcess;
  private waiters: { pred: (l: Line) => boolean; done: (l: Line) => void }[] = [];
  readonly exited: Promise<number | null>;

  constructor(readonly dataDir: string, extra: string[] = [], env: Record<string, string> = {}) {
    this.proc = spawn(process.execPath, ["--import", "tsx", join(ROOT, "host", "sim.ts"), "--headless", "--data", dataDir, ...extra], {
      cwd: ROOT, stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, ...env },
    });
    let buf = "";
    this.proc.stdout!.setEncoding("utf8");
    this.proc.stdout!.on("data", (c: string) => {
      buf += c;
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const text = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        this.raw.push(text);
        let l: Line;
        try {
          l = JSON.parse(text);
        } catch {
          l = { ev: "unparsable", text };
        }
        this.lines.push(l);
        this.waiters = this.waiters.filter((w) => (w.pred(l) ? (w.done(l), false) : true));
      }
    });
    this.proc.stderr!.setEncoding("utf8");
    this.proc.stderr!.on("data", (c: string) => (this.stderr += c));
    this.exited = new Promise((r) => this.proc.on("exit", (code) => {
      running.delete(this);
      r(code);
    }));
    running.add(this);
  }

  waitFor(pred: (l: Line) => boolean, what: string, timeoutMs = 20000): Promise<Line> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return this.next(pred, what, timeoutMs);
  }

  next(pred: (l: Line) => boolean, what: string, timeoutMs = 20000): Promise<Line> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out waiting for ${what}; last lines:\n${this.raw.slice(-12).join("\n")}\nstderr: ${this.stderr.slice(-1500)}`));
      }, timeoutMs);
      this.waiters.push({ pred, done: (l) => { clearTimeout(timer); resolve(l); } });
    });
  }

  state(s: string, timeoutMs = 20000): Promise<Line> {
    return this.waitFor((l) => l.ev === "state" && l.state === s, `state ${s}`, timeoutMs);
  }

  say(text: string): void {
    this.proc.stdin!.write(JSON.stringify({ say: text }) + "\n");
  }

  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGTERM");
    const hard = setTimeout(() => this.proc.kill("SIGKILL"), 10000);
    const code = await this.exited;
    clearTimeout(hard);
    return code;
  }
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "linkfw-sim-"));
}

async function linkWithPhone(sim: Sim, user = "alice"): Promise<void> {
  const d = await sim.waitFor((l) => l.ev === "display" && /Enter code: /.test(l.text), "the linking screen");
  const uri = /Open: (\S+)/.exec(d.text)![1];
  const code = /Enter code: (\S+)/.exec(d.text)![1];
  await approve(uri, code, { user });
  await sim.state("linked");
}

/**
 * Asks "who am i" as a person would: when the device answers that it is
 * reconnecting (its access token expired a moment ago and a refresh is
 * under way), asks again, at most three times.
 */
async function whoAmI(sim: Sim, user: string): Promise<void> {
  const asked = sim.lines.length;
  for (let attempt = 1; ; attempt++) {
    const from = sim.lines.length;
    sim.say("who am i");
    const l = await sim.next(
      (x) => (x.ev === "display" && x.text.includes(`Signed in as ${user}`)) || (x.ev === "say" && /try again in a moment/.test(x.text)),
      "the answer to who am i", 20000);
    if (l.ev === "display") break;
    assert.ok(attempt < 3, `still reconnecting after ${attempt} tries:\n${sim.raw.slice(from).join("\n")}`);
    const saidAt = sim.lines.indexOf(l);
    await sim.waitFor((x) => x.ev === "state" && x.state === "linked" && sim.lines.indexOf(x) > saidAt, "linked again");
  }
  const after = sim.lines.slice(asked);
  assert.ok(!after.some((l) => l.ev === "state" && l.state === "unlinked"), "not unlinked on the way");
}

test("stop and start again: linked from flash, and `who am i` is answered", async () => {
  const dir = tempDir();
  try {
    const s1 = new Sim(dir);
    await linkWithPhone(s1, "carol");
    await s1.waitFor((l) => l.ev === "log" && /tokens stored/.test(l.text), "tokens stored");
    await whoAmI(s1, "carol");
    assert.equal(await s1.stop(), 0);
    assert.ok(!existsSync(join(dir, "lock")), "the lock is released on exit");

    const s2 = new Sim(dir);
    await s2.state("linked");
    assert.ok(!s2.lines.some((l) => l.ev === "state" && l.state === "awaiting_approval"), "no new code");
    assert.ok(!s2.lines.some((l) => l.ev === "log" && /another issuer/.test(l.text)), "same issuer as before");
    await whoAmI(s2, "carol");
    // An answer of several lines keeps them on the screen.
    s2.say("what's on my schedule today");
    const d = await s2.waitFor((l) => l.ev === "display" && l.text.includes("Team stand-up"), "the schedule");
    assert.match(d.text, /\n09:00 Team stand-up\n/, d.text);
    await s2.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("after a refresh (rotated refresh token), a restart is still linked and answers", async () => {
  const dir = tempDir();
  try {
    // Short access tokens: the firmware refreshes within seconds (RFC 6749 §6),
    // and the provider rotates the refresh token on every use.
    const s1 = new Sim(dir, ["--token-ttl", "6"]);
    await linkWithPhone(s1, "dave");
    const linkedAt = s1.lines.length;
    await s1.waitFor((l) => l.ev === "log" && /tokens refreshed and stored/.test(l.text) && s1.lines.indexOf(l) > linkedAt, "a refresh, stored", 30000);
    assert.equal(await s1.stop(), 0);

    const s2 = new Sim(dir, ["--token-ttl", "6"]);
    await s2.state("linked");
    await whoAmI(s2, "dave");
    assert.ok(!s2.lines.some((l) => l.ev === "state" && (l.state === "unlinked" || l.state === "awaiting_approval")), "the grant survived the restart");
    await s2.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("an abandoned sign-in leaves the code usable: entering it again links the device", async () => {
  const dir = tempDir();
  try {
    const s = new Sim(dir);
    const d = await s.waitFor((l) => l.ev === "display" && /Enter code: /.test(l.text), "the linking screen");
    const uri = /Open: (\S+)/.exec(d.text)![1];
    const code = /Enter code: (\S+)/.exec(d.text)![1];
    await abandon(uri, code);
    await approve(uri, code, { user: "erin" });
    await s.state("linked");
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a second simulator on the same data directory says so and exits", async () => {
  const dir = tempDir();
  try {
    const s1 = new Sim(dir);
    await s1.state("awaiting_approval");
    const s2 = new Sim(dir);
    assert.equal(await s2.exited, 2);
    assert.match(s2.stderr, /another simulator \(pid \d+\) is using .*--data DIR/);
    assert.doesNotMatch(s2.stderr, /\n\s+at /, "no stack trace");
    await s1.stop();
    // A lock left by a process that is gone is taken over.
    writeFileSync(join(dir, "lock"), "999999999\n");
    const s3 = new Sim(dir);
    await s3.state("awaiting_approval");
    await s3.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the kept port is taken: one line that says how to fix it", async () => {
  const dir = tempDir();
  const blocker = createServer();
  try {
    const s1 = new Sim(dir);
    await s1.state("awaiting_approval");
    await s1.stop();
    const port = JSON.parse(readFileSync(join(dir, "authserver.json"), "utf8")).port;
    await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", r));
    const s2 = new Sim(dir);
    assert.equal(await s2.exited, 2);
    const lines = s2.stderr.trim().split("\n");
    assert.equal(lines.length, 1, s2.stderr);
    assert.match(lines[0], new RegExp(`port ${port} .*in use.*--port N`));
  } finally {
    blocker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--open hands the linking URL (code filled in) to the desktop's opener, once per code", async () => {
  const dir = tempDir();
  try {
    // A stand-in for xdg-open that records what it was asked to open.
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const record = join(dir, "opened.txt");
    writeFileSync(join(bin, "xdg-open"), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${record}'\n`);
    chmodSync(join(bin, "xdg-open"), 0o755);
    const s = new Sim(join(dir, "data"), ["--open"], { PATH: `${bin}:${process.env.PATH}`, DISPLAY: ":0" });
    const d = await s.waitFor((l) => l.ev === "display" && /Enter code: /.test(l.text), "the linking screen");
    const code = /Enter code: (\S+)/.exec(d.text)![1];
    const until = Date.now() + 10000;
    while (!existsSync(record) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    const opened = readFileSync(record, "utf8").trim().split("\n");
    assert.equal(opened.length, 1, "opened once");
    assert.match(opened[0], new RegExp(`^http://127\\.0\\.0\\.1:\\d+/device\\?user_code=${code}$`));
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("--code-ttl 15: the countdown never promises more than the lifetime", async () => {
  const dir = tempDir();
  try {
    const s = new Sim(dir, ["--code-ttl", "15"]);
    const d = await s.waitFor((l) => l.ev === "display" && /Code expires in/.test(l.text), "the countdown");
    const m = /Code expires in (\d+) (s|min)/.exec(d.text);
    assert.ok(m, d.text);
    const seconds = Number(m![1]) * (m![2] === "min" ? 60 : 1);
    assert.ok(seconds <= 15, `"${m![0]}" with a 15 s code`);
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

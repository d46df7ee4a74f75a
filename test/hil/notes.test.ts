// The firmware's numbered log lines and the host's words for them agree:
// every number in assembly/notes.ts has the same words in host/notes.ts, and
// the host has no number the firmware does not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { NOTES, expandNote } from "../../host/notes.ts";
import { FAULTS, expandFault } from "../../host/faults.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

test("every note number has the same words in the firmware and on the host", () => {
  const src = readFileSync(join(ROOT, "assembly", "notes.ts"), "utf8");
  const fw = new Map<number, string>();
  for (const m of src.matchAll(/^\s+\w+ = (\d+),\s+\/\/ (.+)$/gm)) {
    assert.ok(!fw.has(Number(m[1])), `note ${m[1]} defined twice`);
    fw.set(Number(m[1]), m[2].trim());
  }
  assert.ok(fw.size >= 10, `read ${fw.size} notes from assembly/notes.ts`);
  assert.deepEqual(new Map(Object.entries(NOTES).map(([k, v]) => [Number(k), v])), fw);
});

test("a note expands with its argument; other lines pass unchanged", () => {
  assert.equal(expandNote("#15 7"), "tokens refreshed and stored (record 7)");
  assert.equal(expandNote("#4"), "button: link");
  assert.equal(expandNote("#6 what's $& the weather"), "heard: what's $& the weather");
  assert.equal(expandNote("#999 x"), "#999 x");
  assert.equal(expandNote("config: 'client_id' is required"), "config: 'client_id' is required");
});

test("every fault number has the same words in the firmware and on the host, in its hundred", () => {
  const src = readFileSync(join(ROOT, "assembly", "faults.ts"), "utf8");
  const body = /export const enum Fault \{([\s\S]*?)\n\}/.exec(src);
  assert.ok(body, "the Fault enum in assembly/faults.ts");
  const fw = new Map<number, string>();
  for (const m of body[1].matchAll(/^\s+\w+ = (\d+),\s+\/\/ (.+)$/gm)) {
    const n = Number(m[1]);
    assert.ok(!fw.has(n), `fault ${n} defined twice`);
    assert.ok(n >= 100 && n <= 599, `fault ${n} is in a category (1xx to 5xx)`);
    fw.set(n, m[2].trim());
  }
  const lines = body[1].split("\n").filter((l) => /^\s+\w+ = /.test(l));
  assert.equal(fw.size, lines.length, "every member has a number and its words as a comment");
  assert.deepEqual(new Map(Object.entries(FAULTS).map(([k, v]) => [Number(k), v])), fw);
});

test("a fault expands with its argument, also nested, after \": \" and as a note's argument", () => {
  const nums = Object.keys(FAULTS).map(Number);
  assert.ok(nums.length >= 50, `read ${nums.length} faults from host/faults.ts`);
  const withArg = nums.find((n) => FAULTS[n].includes("{}") && !FAULTS[n].startsWith("{}"))!;
  const plain = nums.find((n) => !FAULTS[n].includes("{}"))!;
  const arg = "x$&y";
  const one = expandFault(`E${withArg} ${arg}`);
  assert.equal(one, `${FAULTS[withArg].replace("{}", () => arg)} [E${withArg}]`);
  assert.equal(expandFault(`E${plain}`), `${FAULTS[plain]} [E${plain}]`);
  assert.equal(expandFault(`E${plain} 12`), `${FAULTS[plain]} (12) [E${plain}]`);
  assert.equal(expandFault(`E${plain} E${withArg} ${arg}`), `${FAULTS[plain]} (${one}) [E${plain}]`, "a fault as the argument");
  assert.equal(expandFault(`WhoAmI: E${withArg} ${arg}`), `WhoAmI: ${one}`, "after a name and a colon");
  assert.equal(expandNote(`#9 E${withArg} ${arg}`), `linking stopped: ${one}`);
  assert.equal(expandFault("E999 x"), "E999 x", "unknown numbers pass unchanged");
  assert.equal(expandFault("Everything is fine"), "Everything is fine");
  assert.equal(expandFault("NE101"), "NE101", "only a whole fault token");
  assert.equal(expandNote("#9 plain words"), "linking stopped: plain words");
});

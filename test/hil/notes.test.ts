// The firmware's numbered log lines and the host's words for them agree:
// every number in assembly/notes.ts has the same words in host/notes.ts, and
// the host has no number the firmware does not.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { NOTES, expandNote } from "../../host/notes.ts";

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

// The rotation window (RFC 6749 §6, §10.4), told honestly: the release
// firmware on the in-process board, a power cut after the refresh left and
// before its answer reached flash, then a server that revokes the grant on
// reuse of the spent refresh token (as oidc-provider does). The device must
// say that a power cut during a token refresh ended the link, and nothing
// else must: a revoked link without an interrupted refresh keeps the generic
// reason. test/hil/lifecycle.test.ts counts how often random kills land here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FuzzBoard } from "../fuzz/board.ts";
import { linkedBoard, classify, CONFIG_FULL, ACTION_TABLE } from "../fuzz/scenario.ts";

const POWER_CUT = /power cut during a token refresh ended\s+the link/i;

function refreshRequest(board: FuzzBoard) {
  board.tick(board.now + 3600 * 1000);
  const r = board.runUntilRequest(3600 * 1000);
  assert.ok(r && classify(r) === "refresh", "a refresh is sent");
  return r!;
}

test("power cut while a refresh is in flight, then invalid_grant: the device says what happened", () => {
  const { board } = linkedBoard();
  refreshRequest(board); // the server rotates the refresh token; the answer never arrives
  // Power cut: the same flash, a new instance, no answer delivered.
  const after = new FuzzBoard({ config: CONFIG_FULL, actionTable: ACTION_TABLE, flash: board.flash });
  after.boot();
  after.tick();
  assert.equal(after.state, "linked", "comes back linked from flash");
  const r = refreshRequest(after); // the record is of unknown freshness: it refreshes with the spent token
  after.answer(r, { status: 400, contentType: "application/json", body: '{"error":"invalid_grant","error_description":"grant request is invalid"}' });
  after.tick();
  assert.equal(after.state, "unlinked");
  assert.match(after.display, POWER_CUT, "the screen says why");
  assert.ok(after.outputs.some((o) => o.startsWith("say:") || o.startsWith("display:")), "told to the person");
  assert.equal(after.traps + board.traps, 0);
});

test("invalid_grant without an interrupted refresh keeps the generic reason", () => {
  const { board } = linkedBoard();
  const r = refreshRequest(board);
  board.answer(r, { status: 400, contentType: "application/json", body: '{"error":"invalid_grant"}' });
  board.tick();
  assert.equal(board.state, "unlinked");
  assert.doesNotMatch(board.display, POWER_CUT);
  assert.match(board.display, /revoked or has expired/);
});

test("a refresh that completed clears the in-flight mark: a later revocation is not blamed on a power cut", () => {
  const { board, n } = linkedBoard();
  let r = refreshRequest(board);
  board.answer(r, { status: 200, contentType: "application/json", body: JSON.stringify({ access_token: `AT2-${n}`, refresh_token: `RT2-${n}`, token_type: "Bearer", expires_in: 3600 }) });
  const after = new FuzzBoard({ config: CONFIG_FULL, actionTable: ACTION_TABLE, flash: board.flash });
  after.boot();
  r = refreshRequest(after);
  after.answer(r, { status: 400, contentType: "application/json", body: '{"error":"invalid_grant"}' });
  after.tick();
  assert.equal(after.state, "unlinked");
  assert.doesNotMatch(after.display, POWER_CUT);
});

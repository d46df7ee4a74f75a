// The module's exports: the board ABI's entry points (boards/ABI.md).
// The entry file is not named index.ts on purpose: with the json-as
// transform that name resolves as a library index and the module ends up
// with no exports.
import * as board from "./board/board";
import { randomSeed } from "./board/random";
import { App } from "./app";
import { collectUnlessRoom, blockLog2, ENTRY_BLOCK_LOG2, ENTRY_FREE_BYTES } from "./heap";

let app: App | null = null;

export function fw_abi_version(): i32 {
  return board.ABI_VERSION;
}

// The release build uses the minimal runtime, which never collects by
// itself. Collections happen only at the start or end of an entry, where
// nothing managed is left on the stack (only globals hold the app), and
// only when the heap has too little room left for the next entry (heap.ts).

/** How much an answer may allocate while it is read and parsed, per body byte. */
const ANSWER_BYTES_PER_BODY_BYTE: i32 = 8;

export function fw_init(): i32 {
  const a = new App(randomSeed());
  app = a;
  // Booting parses the configuration and the action table: collect their
  // garbage between phases (the app's fields hold what is kept).
  __collect();
  a.wire();
  __collect();
  const r = a.boot(board.monotonicMs());
  __collect();
  return r;
}

export function fw_tick(now_ms: i64): i64 {
  if (app === null) return -1;
  const next = app!.tick(now_ms);
  collectUnlessRoom(ENTRY_BLOCK_LOG2, ENTRY_FREE_BYTES);
  return next;
}

export function fw_on_net_response(id: i32, status: i32, body_len: i32): void {
  if (app === null) return;
  // Room for the body in one block, and for what is built from it: a large
  // answer (a token answer with JWTs) gets a clean heap.
  const body = body_len <= 0 ? 0 : (body_len < 0x100000 ? body_len : 0x100000);
  collectUnlessRoom(blockLog2(body), body * ANSWER_BYTES_PER_BODY_BYTE + ENTRY_FREE_BYTES);
  app!.onNetResponse(id, status, body_len, board.monotonicMs());
  collectUnlessRoom(ENTRY_BLOCK_LOG2, ENTRY_FREE_BYTES);
}

export function fw_on_button(button: i32): void {
  if (app === null) return;
  app!.onButton(button, board.monotonicMs());
  collectUnlessRoom(ENTRY_BLOCK_LOG2, ENTRY_FREE_BYTES);
}

export function fw_on_utterance(len: i32): void {
  if (app === null) return;
  app!.onUtterance(len, board.monotonicMs());
  collectUnlessRoom(ENTRY_BLOCK_LOG2, ENTRY_FREE_BYTES);
}

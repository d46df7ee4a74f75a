// The module's exports: the board ABI's entry points (boards/ABI.md).
// The entry file is not named index.ts on purpose: with the json-as
// transform that name resolves as a library index and the module ends up
// with no exports.
import * as board from "./board/board";
import { randomSeed } from "./board/random";
import { App } from "./app";
import { collect, settle } from "./heap";

let app: App | null = null;

export function fw_abi_version(): i32 {
  return board.ABI_VERSION;
}

// The release build uses the minimal runtime, which never collects by
// itself. Every entry ends where nothing managed is left on the stack (only
// globals hold the app), so it may collect there: settle() (heap.ts) does
// once enough garbage may be waiting. Boot collects after each phase
// outright, so the objects that live on are packed low in the heap: when
// collections came only as room ran short they scattered, and a large
// answer body then found no contiguous block in the fixed 2-page memory.

export function fw_init(): i32 {
  const a = new App(randomSeed());
  app = a;
  // Booting parses the configuration and the action table: collect their
  // garbage between phases (the app's fields hold what is kept).
  collect();
  a.wire();
  collect();
  const r = a.boot(board.monotonicMs());
  collect();
  return r;
}

export function fw_tick(now_ms: i64): i64 {
  if (app === null) return -1;
  const next = app!.tick(now_ms);
  settle();
  return next;
}

export function fw_on_net_response(id: i32, status: i32, body_len: i32): void {
  if (app === null) return;
  app!.onNetResponse(id, status, body_len, board.monotonicMs());
  settle();
}

export function fw_on_button(button: i32): void {
  if (app === null) return;
  app!.onButton(button, board.monotonicMs());
  settle();
}

export function fw_on_utterance(len: i32): void {
  if (app === null) return;
  app!.onUtterance(len, board.monotonicMs());
  settle();
}

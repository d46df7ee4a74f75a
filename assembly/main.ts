// The module's exports: the board ABI's entry points (boards/ABI.md).
// The entry file is not named index.ts on purpose: with the json-as
// transform that name resolves as a library index and the module ends up
// with no exports.
import * as board from "./board/board";
import { randomSeed } from "./board/random";
import { App } from "./app";

let app: App | null = null;

export function fw_abi_version(): i32 {
  return board.ABI_VERSION;
}

export function fw_init(): i32 {
  const a = new App(randomSeed());
  app = a;
  return a.boot(board.monotonicMs());
}

export function fw_tick(now_ms: i64): i64 {
  if (app === null) return -1;
  return app!.tick(now_ms);
}

export function fw_on_net_response(id: i32, status: i32, body_len: i32): void {
  if (app === null) return;
  app!.onNetResponse(id, status, body_len, board.monotonicMs());
}

export function fw_on_button(button: i32): void {
  if (app === null) return;
  app!.onButton(button, board.monotonicMs());
}

export function fw_on_utterance(len: i32): void {
  if (app === null) return;
  app!.onUtterance(len, board.monotonicMs());
}

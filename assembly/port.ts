// What the device coordinator needs from the world, as an interface: the
// firmware passes the board (board/port.ts), unit tests pass a fake. Only
// effects that cannot wait for the next pass go through here.
import { HttpRequest } from "./net/http";

export abstract class Port {
  /** Starts a request: its id (> 0), or a negative status when the board refuses it. */
  abstract send(req: HttpRequest): i32;
  /** Wall-clock seconds; 0 when the board does not know the time. */
  abstract wallSeconds(): i64;
  /** LogLevel (board/board.ts) and a line that never holds a secret. */
  abstract log(level: i32, text: string): void;
  /** A fresh session id (RFC 4122 version 4) from the board's random source. */
  abstract sessionId(): string;
}

export const LOG_INFO: i32 = 1;
export const LOG_WARN: i32 = 2;
export const LOG_ERROR: i32 = 3;

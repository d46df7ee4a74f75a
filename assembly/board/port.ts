// The device coordinator's Port, implemented with the board ABI.
import { Port } from "../port";
import { HttpRequest } from "../net/http";
import { sendRequest } from "./net";
import { LogLevel, log, wallSeconds } from "./board";
import { randomSessionId } from "./random";

export class BoardPort extends Port {
  send(req: HttpRequest): i32 {
    return sendRequest(req);
  }
  wallSeconds(): i64 {
    return wallSeconds();
  }
  log(level: i32, text: string): void {
    log(<LogLevel>level, text);
  }
  sessionId(): string {
    return randomSessionId();
  }
}

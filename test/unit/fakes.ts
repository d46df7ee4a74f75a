// Test doubles shared by the controller and coordinator specs: a fixed
// random source, a RAM flash, a reversible sealer and a Port that records
// what the device sends and can refuse requests as a busy board does.
import { Rng } from "../../assembly/auth/backoff";
import { Flash, CopySealer } from "../../assembly/auth/store";
import { Port } from "../../assembly/port";
import { HttpRequest, HttpResponse } from "../../assembly/net/http";
import { ActionTable, loadActionTable } from "../../assembly/actions/table";

export class FixedRng extends Rng {
  constructor(public value: u32) { super(); }
  next(): u32 { return this.value; }
}

export class RamFlash extends Flash {
  data: Uint8Array = new Uint8Array(4096);
  size(): i32 { return this.data.length; }
  read(offset: i32, dst: Uint8Array): i32 {
    for (let i = 0; i < dst.length; i++) dst[i] = this.data[offset + i];
    return 0;
  }
  write(offset: i32, src: Uint8Array): i32 {
    for (let i = 0; i < src.length; i++) this.data[offset + i] = src[i];
    return 0;
  }
}

/** Not secret at all (a fixed XOR); enough for the store's framing. */
export class XorSealer extends CopySealer {
  seal(plain: Uint8Array): Uint8Array | null {
    const out = new Uint8Array(plain.length);
    for (let i = 0; i < plain.length; i++) out[i] = plain[i] ^ 0x5a;
    return out;
  }
  unseal(sealed: Uint8Array): Uint8Array | null {
    return this.seal(sealed);
  }
}

export const EBUSY: i32 = -3;

export class FakePort extends Port {
  sent: Array<HttpRequest> = [];
  ids: Array<i32> = [];
  logs: Array<string> = [];
  wall: i64 = 1700000000;
  /** Refuse this many of the next requests with EBUSY. */
  refuseNext: i32 = 0;
  /** Refuse every request whose URL contains this text ("" for none). */
  refuseUrl: string = "";
  refusals: i32 = 0;
  private nextId: i32 = 1;
  private sessions: i32 = 0;

  send(req: HttpRequest): i32 {
    if (this.refuseNext > 0 || (this.refuseUrl.length > 0 && req.url.indexOf(this.refuseUrl) >= 0)) {
      if (this.refuseNext > 0) this.refuseNext--;
      this.refusals++;
      return EBUSY;
    }
    // A board copies the request before net_request returns (its bytes may be the working buffer's).
    if (req.headerBytes !== null) req.headers = req.headers;
    if (req.bodyBytes !== null) req.body = req.body;
    this.sent.push(req);
    const id = this.nextId++;
    this.ids.push(id);
    return id;
  }
  wallSeconds(): i64 { return this.wall; }
  log(level: i32, text: string): void { this.logs.push(text); }
  sessionId(): string { this.sessions++; return "session-" + this.sessions.toString(); }

  /** The last request sent, and its id. */
  last(): HttpRequest { return this.sent[this.sent.length - 1]; }
  lastId(): i32 { return this.ids[this.ids.length - 1]; }
  loggedText(): string { return this.logs.join("\n"); }
}

export function json(status: i32, body: string): HttpResponse {
  return HttpResponse.of(status, body, "application/json");
}

/** A small action table: one backend action and the local unlink. */
export const SMALL_TABLE = '{"version":1,"play":"test","actions":[' +
  '{"name":"WhoAmI","patterns":["who am i"]},' +
  '{"name":"Unlink","local":"unlink","patterns":["unlink this device"]}]}';

// The action table loaded the way the tests like to read it.
let lastError: string = "";

/** Parses an action table; null on failure, with the reason in actionTableError(). */
export function parseActionTable(json: string): ActionTable | null {
  const r = loadActionTable(json);
  lastError = r.error;
  return r.table;
}

/** Why the last parseActionTable call failed ("" when it succeeded). */
export function actionTableError(): string {
  return lastError;
}


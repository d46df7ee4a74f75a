// Network requests over the board ABI: requests go out at once with an id;
// the answer is pulled during fw_on_net_response (boards/ABI.md, Network).
import * as abi from "./imports";
import { HttpRequest, HttpResponse, NET_BODY_TOO_LARGE } from "../net/http";

function utf8(s: string): ArrayBuffer {
  return String.UTF8.encode(s);
}

/** Starts a request; returns its id (> 0) or a negative ABI error. */
export function sendRequest(req: HttpRequest): i32 {
  const m = utf8(req.method);
  const u = utf8(req.url);
  const h = utf8(req.headers);
  const b = utf8(req.body);
  return abi.net_request(
    changetype<usize>(m), m.byteLength,
    changetype<usize>(u), u.byteLength,
    changetype<usize>(h), h.byteLength,
    changetype<usize>(b), b.byteLength,
    req.timeoutMs);
}

const HEADER_CAP: i32 = 512;

export function readHeader(id: i32, name: string): string {
  const n = utf8(name);
  const buf = new Uint8Array(HEADER_CAP);
  const len = abi.net_read_header(id, changetype<usize>(n), n.byteLength, buf.dataStart, HEADER_CAP);
  if (len < 0) return "";
  return String.UTF8.decodeUnsafe(buf.dataStart, min(len, HEADER_CAP));
}

/** Pulls the whole response (status, the headers the firmware uses, body up to `cap` bytes). */
export function readResponse(id: i32, status: i32, bodyLen: i32, cap: i32): HttpResponse {
  const r = new HttpResponse();
  r.status = status;
  if (cap <= 0) cap = 65536;
  r.bodyCap = cap;
  if (status < 0) return r;
  if (bodyLen > cap) {
    r.status = NET_BODY_TOO_LARGE;
    return r;
  }
  r.contentType = readHeader(id, "content-type");
  r.retryAfter = readHeader(id, "retry-after");
  r.wwwAuthenticate = readHeader(id, "www-authenticate");
  if (bodyLen > 0) {
    const buf = new Uint8Array(bodyLen);
    let got = 0;
    while (got < bodyLen) {
      const n = abi.net_read_body(id, got, buf.dataStart + got, bodyLen - got);
      if (n <= 0) break;
      got += n;
    }
    r.body = String.UTF8.decodeUnsafe(buf.dataStart, got);
  }
  return r;
}

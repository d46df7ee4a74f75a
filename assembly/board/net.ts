// Network requests over the board ABI: requests go out at once with an id;
// the answer is pulled during fw_on_net_response (boards/ABI.md, Network).
import * as abi from "./imports";
import * as board from "./board";
import { HttpRequest, HttpResponse, NET_BODY_TOO_LARGE, NET_MALFORMED_HEADER, usesRetryAfter, usesWwwAuthenticate } from "../net/http";
import { decodeUtf8, encodeUtf8 } from "../net/utf8";
import { bodyCapFor, workBuffer } from "../net/buffer";

function utf8(s: string): Uint8Array {
  return encodeUtf8(s, false);
}

/** Starts a request; returns its id (> 0) or a negative ABI error. */
export function sendRequest(req: HttpRequest): i32 {
  // The method and the URL in the board's text scratch, one after the other.
  const m = board.textAt(req.method);
  const mLen = board.textLen;
  const u = board.textAt(req.url, mLen);
  const uLen = board.textLen;
  // Bytes when the request was built as bytes (a token-sized request), else the text encoded here.
  const h = req.headerBytes !== null ? req.headerBytes! : utf8(req.headers);
  const b = req.bodyBytes !== null ? req.bodyBytes! : utf8(req.body);
  return abi.net_request(
    m, mLen,
    u, uLen,
    h.dataStart, h.byteLength,
    b.dataStart, b.byteLength,
    req.timeoutMs);
}

const HEADER_CAP: i32 = 512;
/** Where every header value is read: allocated once, so reading one allocates only its text. */
let headerBuf: Uint8Array | null = null;

/** A header's value ("" when absent), or null when its bytes are not UTF-8 (RFC 3629). */
function readHeader(id: i32, name: string): string | null {
  let buf = headerBuf;
  if (buf === null) headerBuf = buf = new Uint8Array(HEADER_CAP);
  // The name goes through the board's text scratch, as every text a board call takes.
  const n = board.textAt(name);
  const len = abi.net_read_header(id, n, board.textLen, buf.dataStart, HEADER_CAP);
  if (len <= 0) return "";
  return decodeUtf8(buf, 0, min(len, HEADER_CAP));
}

/** Pulls the whole response (status, the headers the firmware uses, body up to `cap` bytes). */
export function readResponse(id: i32, status: i32, bodyLen: i32, cap: i32): HttpResponse {
  const r = new HttpResponse();
  r.status = status;
  // Bodies are read into the one working buffer (net/buffer.ts), never a
  // fresh array: a larger or unknown cap is clamped to the buffer's size.
  cap = bodyCapFor(cap);
  r.bodyCap = cap;
  if (status < 0) return r;
  if (bodyLen > cap) {
    r.status = NET_BODY_TOO_LARGE;
    return r;
  }
  // Only the headers the answer's status makes use of: an action's 200
  // reads one, where it would take three board calls.
  const ct = readHeader(id, "content-type");
  const ra = usesRetryAfter(status) ? readHeader(id, "retry-after") : "";
  const wa = usesWwwAuthenticate(status) ? readHeader(id, "www-authenticate") : "";
  if (ct === null || ra === null || wa === null) {
    r.status = NET_MALFORMED_HEADER;
    return r;
  }
  r.contentType = ct;
  r.retryAfter = ra;
  r.wwwAuthenticate = wa;
  if (bodyLen > 0) {
    // The one working buffer (net/buffer.ts): valid until this entry ends.
    const buf = workBuffer(bodyLen);
    let got = 0;
    while (got < bodyLen) {
      const n = abi.net_read_body(id, got, buf.dataStart + got, bodyLen - got);
      if (n <= 0) break;
      got += n;
    }
    // Kept as bytes: the readers check UTF-8 and never copy the body to text.
    r.bytes = got == bodyLen ? buf : buf.subarray(0, got);
  }
  return r;
}

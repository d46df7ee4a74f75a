// Real HTTP for the firmware: every accepted request ends in exactly one
// completion, a response or a negative transport status (boards/ABI.md).
import http from "node:http";
import https from "node:https";

export const NET_CONNECT_FAILED = -10, NET_TIMEOUT = -11, NET_BODY_TOO_LARGE = -12, NET_TLS = -13, NET_PROTOCOL = -14;

export interface NetRequest {
  method: string;
  url: string;
  headers: string;
  body: Buffer;
  timeoutMs: number;
}

export interface NetResult {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function parseHeaderBlock(block: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const line of block.split("\r\n")) {
    if (!line) continue;
    const c = line.indexOf(":");
    if (c <= 0) return null;
    const name = line.slice(0, c).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return null;
    const lower = name.toLowerCase();
    if (lower === "host" || lower === "content-length" || lower === "transfer-encoding" || lower === "connection") continue;
    out[name] = line.slice(c + 1).trim();
  }
  return out;
}

export class HttpClient {
  private nextId = 1;
  private inFlight = new Map<number, { cr: http.ClientRequest; cancel: () => void }>();

  constructor(private opts: { bodyCap: number; maxInFlight: number }) {}

  get busy(): number {
    return this.inFlight.size;
  }

  /** Starts a request; returns its id, or -1 (bad request), -2 (scheme), -3 (busy). */
  request(req: NetRequest, done: (r: NetResult) => void): number {
    if (this.inFlight.size >= this.opts.maxInFlight) return -3;
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      return -1;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return -2;
    if (!/^[A-Z]{1,10}$/.test(req.method)) return -1;
    const headers = parseHeaderBlock(req.headers);
    if (!headers) return -1;
    const timeout = Math.max(1, Math.min(req.timeoutMs > 0 ? req.timeoutMs : 10000, 120000));
    const id = this.nextId++;
    let finished = false;
    const finish = (r: NetResult) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      this.inFlight.delete(id);
      done(r);
    };
    const fail = (status: number) => finish({ status, headers: {}, body: EMPTY });
    const lib = url.protocol === "https:" ? https : http;
    const cr = lib.request(url, {
      method: req.method,
      headers: { ...headers, "Content-Length": String(req.body.length) },
      agent: false,
    });
    const timer = setTimeout(() => {
      fail(NET_TIMEOUT);
      cr.destroy();
    }, timeout);
    this.inFlight.set(id, {
      cr,
      cancel: () => {
        finished = true;
        clearTimeout(timer);
      },
    });
    cr.on("response", (res) => {
      const declared = Number(res.headers["content-length"] ?? "0");
      if (declared > this.opts.bodyCap) {
        fail(NET_BODY_TOO_LARGE);
        res.destroy();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        size += c.length;
        if (size > this.opts.bodyCap) {
          fail(NET_BODY_TOO_LARGE);
          res.destroy();
          return;
        }
        chunks.push(c);
      });
      res.on("end", () => {
        const h: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
        }
        finish({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
      });
      res.on("error", () => fail(NET_PROTOCOL));
      res.on("aborted", () => fail(NET_PROTOCOL));
    });
    cr.on("error", (err: NodeJS.ErrnoException) => {
      const code = err.code ?? "";
      if (/^(ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|EADDRNOTAVAIL)$/.test(code)) fail(NET_CONNECT_FAILED);
      else if (/CERT|SSL|TLS/.test(code) || /certificate|tls/i.test(err.message)) fail(NET_TLS);
      else fail(NET_PROTOCOL);
    });
    cr.end(req.body);
    return id;
  }

  /** Drops every request in flight; their completions are never delivered. */
  abortAll(): void {
    for (const { cr, cancel } of this.inFlight.values()) {
      cancel();
      cr.destroy();
    }
    this.inFlight.clear();
  }
}

// A reverse proxy in front of the authorization server that misbehaves on
// demand, for hardware-in-loop tests.
//
// The device talks to the proxy (same paths as the server, different origin).
// Each request to the token endpoint (or the device authorization endpoint)
// consumes the first queued fault that targets it. With no fault queued the
// request is forwarded unchanged, except that the device authorization
// response can have `interval` and `expires_in` rewritten. Strict mode plays
// the part of a server that enforces the polling interval (RFC 8628 §3.5).
//
// Fault kinds:
//   slow_down   400 {"error":"slow_down"}, not forwarded (also raises the
//               strict-mode interval by 5 s)
//   status      any status, optional Retry-After and body, not forwarded
//   drop        socket destroyed without an answer, not forwarded; with
//               afterForward the server handles the request and its answer
//               is lost (the device never sees what the server did)
//   hang        never answered until close(), not forwarded
//   delay       forwarded, the answer held back `ms`
//   body        a given raw body and content type, not forwarded
//   pending200  GitHub style: HTTP 200 {"error":"authorization_pending"}

import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";

export type FaultEndpoint = "token" | "device" | "any";

interface FaultTarget {
  /** Which endpoint the fault applies to. Default "token". */
  endpoint?: FaultEndpoint;
  /** Only token requests with this grant type ("device_code" means the RFC 8628 URN). */
  grantType?: "device_code" | "refresh_token" | string;
}

export type Fault = FaultTarget &
  (
    | { kind: "slow_down" }
    | { kind: "status"; status: number; retryAfter?: number | string; body?: string; contentType?: string }
    | { kind: "drop"; afterForward?: boolean }
    | { kind: "hang" }
    | { kind: "delay"; ms: number }
    | { kind: "body"; status: number; body: string | Buffer; contentType?: string }
    | { kind: "pending200" }
  );

export interface ProxyRequest {
  method: string;
  path: string;
  /** performance.now() ms at arrival. */
  at: number;
  endpoint: "token" | "device" | "other";
  grantType?: string;
  /** The fault that answered this request, if any ("strict_slow_down" for strict mode). */
  fault?: string;
  /** Status sent to the client; absent for drop/hang or before the answer. */
  status?: number;
}

export interface FaultProxyOptions {
  /** Rewrite `interval` (seconds) in the device authorization response. */
  interval?: number;
  /** Rewrite `expires_in` (seconds) in the device authorization response. */
  expiresIn?: number;
  /** A change to every successful token endpoint answer (JSON). */
  rewriteTokenResponse?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Any further change to the device authorization response JSON. */
  rewriteDeviceResponse?: (body: Record<string, unknown>) => Record<string, unknown>;
  /** Enforce the polling interval per device_code and answer slow_down itself. */
  strict?: boolean;
  /** Slack for strict mode, ms, for timer rounding. Default 20. */
  strictToleranceMs?: number;
  /** Path of the token endpoint on the target. Default from discovery, else "/token". */
  tokenPath?: string;
  /** Path of the device authorization endpoint. Default from discovery, else "/device/auth". */
  devicePath?: string;
  log?: (line: string) => void;
  /**
   * Holds a request this many ms before forwarding it (0 = at once), so a
   * test can act while the server has not yet seen it.
   */
  holdBeforeForward?: (endpoint: "token" | "device" | "other", grantType?: string) => number;
}

export interface FaultProxy {
  /** "http://127.0.0.1:PORT" */
  url: string;
  close(): Promise<void>;
  /** Arrival times (performance.now() ms) of every device_code poll. */
  polls: number[];
  requests: ProxyRequest[];
  /** Queue of faults; each matching request consumes the first that targets it. */
  faults: Fault[];
  /** How many slow_down answers strict mode gave. */
  slowDowns: number;
  /** Strict mode's current required interval per device_code, seconds. */
  requiredInterval(deviceCode: string): number | undefined;
  /** Same config with every URL on the target origin moved to the proxy origin. */
  deviceConfigFor<T extends object>(config: T): T;
}

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

interface PollState {
  /** performance.now() of the previous poll, or of the device authorization answer. */
  last: number;
  /** Required interval, seconds. */
  interval: number;
}

function json(res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
    ...extra,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

async function discover(target: string): Promise<{ token?: string; device?: string }> {
  try {
    const res = await fetch(new URL("/.well-known/openid-configuration", target), { signal: AbortSignal.timeout(2000) });
    if (!res.ok) return {};
    const d = (await res.json()) as Record<string, string>;
    return {
      token: d.token_endpoint ? new URL(d.token_endpoint).pathname : undefined,
      device: d.device_authorization_endpoint ? new URL(d.device_authorization_endpoint).pathname : undefined,
    };
  } catch {
    return {};
  }
}

export async function startFaultProxy(target: string, opts: FaultProxyOptions = {}): Promise<FaultProxy> {
  const targetUrl = new URL(target);
  const log = opts.log ?? (() => {});
  const tolerance = opts.strictToleranceMs ?? 20;
  const found = opts.tokenPath && opts.devicePath ? {} : await discover(target);
  const tokenPath = opts.tokenPath ?? found.token ?? "/token";
  const devicePath = opts.devicePath ?? found.device ?? "/device/auth";

  const polls: number[] = [];
  const requests: ProxyRequest[] = [];
  const faults: Fault[] = [];
  const pollState = new Map<string, PollState>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const agent = new http.Agent({ keepAlive: false });

  const proxy: FaultProxy = {
    url: "",
    close,
    polls,
    requests,
    faults,
    slowDowns: 0,
    requiredInterval: (dc) => pollState.get(dc)?.interval,
    deviceConfigFor<T extends object>(config: T): T {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(config)) {
        if (typeof v === "string" && (v === targetUrl.origin || v.startsWith(`${targetUrl.origin}/`))) {
          out[k] = proxy.url + v.slice(targetUrl.origin.length);
        } else {
          out[k] = v;
        }
      }
      return out as T;
    },
  };

  function takeFault(endpoint: "token" | "device" | "other", grantType: string | undefined): Fault | undefined {
    if (endpoint === "other") return undefined;
    const idx = faults.findIndex((f) => {
      const want = f.endpoint ?? "token";
      if (want !== "any" && want !== endpoint) return false;
      if (f.grantType !== undefined) {
        const g = f.grantType === "device_code" ? DEVICE_CODE_GRANT : f.grantType;
        if (g !== grantType) return false;
      }
      return true;
    });
    if (idx < 0) return undefined;
    return faults.splice(idx, 1)[0];
  }

  function raiseInterval(deviceCode: string | undefined, now: number): void {
    if (!deviceCode) return;
    const st = pollState.get(deviceCode) ?? { last: now, interval: 5 };
    st.interval += 5;
    st.last = now;
    pollState.set(deviceCode, st);
  }

  function forward(
    req: http.IncomingMessage,
    body: Buffer,
    onAnswer: (status: number, headers: http.IncomingHttpHeaders, body: Buffer) => void,
    onError: (err: Error) => void,
  ): void {
    const headers = { ...req.headers, host: targetUrl.host };
    delete headers.connection;
    headers["content-length"] = String(body.length);
    delete headers["transfer-encoding"];
    const up = http.request(
      {
        protocol: targetUrl.protocol,
        hostname: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (upRes) => {
        readBody(upRes).then((b) => onAnswer(upRes.statusCode ?? 502, upRes.headers, b), onError);
      },
    );
    up.on("error", onError);
    up.end(body);
  }

  function relay(res: http.ServerResponse, status: number, headers: http.IncomingHttpHeaders, body: Buffer): void {
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      if (["connection", "keep-alive", "transfer-encoding", "content-length"].includes(k)) continue;
      out[k] = v;
    }
    out["content-length"] = String(body.length);
    res.writeHead(status, out);
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const at = performance.now();
    const body = await readBody(req);
    const path = (req.url ?? "/").split("?")[0];
    const endpoint: ProxyRequest["endpoint"] =
      req.method === "POST" && path === tokenPath ? "token" : req.method === "POST" && path === devicePath ? "device" : "other";
    let params = new URLSearchParams();
    if (endpoint !== "other" && /application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "")) {
      params = new URLSearchParams(body.toString("utf8"));
    }
    const grantType = endpoint === "token" ? (params.get("grant_type") ?? undefined) : undefined;
    const deviceCode = grantType === DEVICE_CODE_GRANT ? (params.get("device_code") ?? undefined) : undefined;
    const entry: ProxyRequest = { method: req.method ?? "GET", path, at, endpoint };
    if (grantType) entry.grantType = grantType === DEVICE_CODE_GRANT ? "device_code" : grantType;
    requests.push(entry);
    if (grantType === DEVICE_CODE_GRANT) polls.push(at);
    res.on("finish", () => {
      entry.status = res.statusCode;
    });

    // Strict mode: a poll earlier than the required interval is answered
    // slow_down, and the interval grows by 5 s (RFC 8628 §3.5).
    if (opts.strict && deviceCode) {
      const st = pollState.get(deviceCode);
      if (st) {
        const gap = at - st.last;
        if (gap + tolerance < st.interval * 1000) {
          st.interval += 5;
          st.last = at;
          proxy.slowDowns++;
          entry.fault = "strict_slow_down";
          log(`fault-proxy: strict slow_down after ${Math.round(gap)} ms, interval now ${st.interval} s`);
          json(res, 400, {
            error: "slow_down",
            error_description: `polled after ${Math.round(gap)} ms; the interval is now ${st.interval} s`,
          });
          return;
        }
        st.last = at;
      } else {
        // Device authorization did not pass through the proxy: start counting here.
        pollState.set(deviceCode, { last: at, interval: opts.interval ?? 5 });
      }
    }

    const fault = takeFault(endpoint, grantType);
    if (fault) {
      entry.fault = fault.kind;
      log(`fault-proxy: ${fault.kind} on ${req.method} ${path}${grantType ? ` (${grantType})` : ""}`);
    }

    switch (fault?.kind) {
      case "slow_down":
        raiseInterval(deviceCode, at);
        json(res, 400, { error: "slow_down" });
        return;
      case "pending200":
        json(res, 200, { error: "authorization_pending" });
        return;
      case "status": {
        const extra: Record<string, string> = {};
        if (fault.retryAfter !== undefined) extra["retry-after"] = String(fault.retryAfter);
        const text = fault.body ?? JSON.stringify({ error: "temporarily_unavailable" });
        let type = fault.contentType;
        if (!type) {
          try {
            JSON.parse(text);
            type = "application/json; charset=utf-8";
          } catch {
            type = "text/plain; charset=utf-8";
          }
        }
        res.writeHead(fault.status, { "content-type": type, "content-length": Buffer.byteLength(text), ...extra });
        res.end(text);
        return;
      }
      case "body": {
        const buf = Buffer.isBuffer(fault.body) ? fault.body : Buffer.from(fault.body, "utf8");
        res.writeHead(fault.status, {
          "content-type": fault.contentType ?? "application/json; charset=utf-8",
          "content-length": buf.length,
        });
        res.end(buf);
        return;
      }
      case "drop":
        if (fault.afterForward) break; // the server acts on it, the answer is lost
        req.socket.destroy();
        return;
      case "hang":
        return; // never answered; close() ends the socket
      default:
        break;
    }

    const delayMs = fault?.kind === "delay" ? fault.ms : 0;
    const loseAnswer = fault?.kind === "drop" && fault.afterForward === true;
    const hold = opts.holdBeforeForward?.(endpoint, grantType) ?? 0;
    if (hold > 0) {
      await new Promise<void>((r) => {
        const t = setTimeout(() => { timers.delete(t); r(); }, hold);
        timers.add(t);
      });
      if (res.destroyed || req.socket.destroyed) return;
    }
    forward(
      req,
      body,
      (status, headers, upBody) => {
        let outBody = upBody;
        if (endpoint === "token" && status === 200 && opts.rewriteTokenResponse) {
          try {
            const d = opts.rewriteTokenResponse(JSON.parse(upBody.toString("utf8")) as Record<string, unknown>);
            outBody = Buffer.from(JSON.stringify(d), "utf8");
          } catch {
            // not JSON: relay as is
          }
        }
        if (endpoint === "device" && status === 200) {
          try {
            let d = JSON.parse(upBody.toString("utf8")) as Record<string, unknown>;
            if (opts.interval !== undefined) d.interval = opts.interval;
            if (opts.expiresIn !== undefined) d.expires_in = opts.expiresIn;
            if (opts.rewriteDeviceResponse) d = opts.rewriteDeviceResponse(d);
            outBody = Buffer.from(JSON.stringify(d), "utf8");
            if (typeof d.device_code === "string") {
              const interval = typeof d.interval === "number" ? d.interval : 5;
              pollState.set(d.device_code, { last: performance.now(), interval });
            }
          } catch {
            // not JSON: relay as is
          }
        }
        const send = () => {
          if (res.destroyed) return;
          if (loseAnswer) {
            req.socket.destroy();
            return;
          }
          relay(res, status, headers, outBody);
        };
        if (delayMs > 0) {
          const t = setTimeout(() => {
            timers.delete(t);
            send();
          }, delayMs);
          timers.add(t);
        } else {
          send();
        }
      },
      (err) => {
        log(`fault-proxy: upstream error ${err.message}`);
        if (!res.headersSent) json(res, 502, { error: "bad_gateway", error_description: err.message });
        else res.destroy();
      },
    );
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      log(`fault-proxy: ${err?.stack ?? err}`);
      if (!res.headersSent) json(res, 500, { error: "proxy_error" });
    });
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    timers.clear();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    agent.destroy();
  }

  return proxy;
}

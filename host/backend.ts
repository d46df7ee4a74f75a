// The embedded action backend: a NUGU-style backend proxy for the demo play.
//
// A real HTTP server on loopback. It checks every action request's bearer
// token with the authorization server (through the `introspect` function
// it is given), answers the demo play's actions, and implements the
// NUGU-style invalidate call used to unlink. config/README.md describes the
// request ("What the backend answers") and the action table it serves.
//
//   POST /{actionName}              Authorization: Bearer <token>, JSON body
//   POST /v1/play/oauth/invalidate  form body token=<token>
//
// Token values are never logged and never passed to `onRequest`: the
// Authorization header is recorded as a short SHA-256 prefix, and token
// fields and any string holding a token are replaced the same way.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createHash, timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";

export interface IntrospectResult {
  active: boolean;
  sub?: string;
  client_id?: string;
  /** Expiry, seconds since the epoch. An active token past it is treated as inactive. */
  exp?: number;
}

export interface BackendOptions {
  /** TCP port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Looks a token up at the authorization server (RFC 7662 or its own lookup). */
  introspect: (token: string) => Promise<IntrospectResult>;
  /** Revokes a token at the authorization server (RFC 7009), for invalidate. */
  revoke?: (token: string) => Promise<void>;
  log?: (line: string) => void;
  /** Largest request body accepted; larger ones get 413. Default 16 KiB. */
  maxBodyBytes?: number;
  /** Clock for "today" in the schedule and for `exp` checks. Default: the system clock. */
  now?: () => Date;
  /** Receives each request as logged (tokens redacted); the tests keep them. */
  onRequest?: (rec: RecordedRequest) => void;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-case names; authorization (and cookies) redacted to a short hash. */
  headers: Record<string, string>;
  /** The parsed body (JSON or form fields) with token values redacted; null when unreadable. */
  body: unknown;
  /** HTTP status answered. */
  status: number;
  /** resultCode or `error` answered, when there was one. */
  result?: string;
  /** Why the request was refused, for humans. Never holds a token. */
  note?: string;
  /** Arrival time, milliseconds since the epoch. */
  at: number;
}

export interface Backend {
  url: string;
  close(): Promise<void>;
}

export const INVALIDATE_PATH = "/v1/play/oauth/invalidate";
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024;
/** Actions the demo play answers (Unlink is done on the device, not here). */
export const DEMO_ACTIONS = ["WhoAmI", "TodaySchedule", "OrderStatus"] as const;

const REALM = "play";
const ACTION_PATH = /^\/([A-Za-z][A-Za-z0-9_]{0,63})$/;
// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;
const SECRET_KEYS = new Set([
  "accesstoken", "access_token", "refresh_token", "refreshtoken", "id_token", "token",
  "client_secret", "password", "device_code",
]);

/** What a token is recorded as: "sha256:" and the first 12 hex digits of its hash. */
export function tokenHash(token: string): string {
  return "sha256:" + createHash("sha256").update(token, "utf8").digest("hex").slice(0, 12);
}

function sameSecret(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Copies `v`, replacing secret-named fields and any string holding a secret. */
function scrub(v: unknown, secrets: string[]): unknown {
  if (typeof v === "string") {
    let s = v;
    for (const t of secrets) if (t.length > 0 && s.includes(t)) s = s.split(t).join(tokenHash(t));
    return s;
  }
  if (Array.isArray(v)) return v.map((x) => scrub(x, secrets));
  if (isObject(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      out[k] = SECRET_KEYS.has(k.toLowerCase()) && typeof x === "string" ? tokenHash(x) : scrub(x, secrets);
    }
    return out;
  }
  return v;
}

function recordHeaders(req: IncomingMessage, secrets: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(req.headers)) {
    if (raw === undefined) continue;
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    if (k === "authorization" || k === "proxy-authorization") {
      const sp = value.indexOf(" ");
      out[k] = sp > 0 ? value.slice(0, sp) + " " + tokenHash(value.slice(sp + 1).trim()) : tokenHash(value);
    } else if (k === "cookie") {
      out[k] = tokenHash(value);
    } else {
      out[k] = scrub(value, secrets) as string;
    }
  }
  return out;
}

type BodyRead = { kind: "ok"; bytes: Buffer } | { kind: "too_large"; size: number };

/**
 * Reads the body up to `max` bytes. An oversized body is read and dropped
 * (so the client sees the 413 rather than a reset) up to a hard cap, past
 * which the connection is cut.
 */
function readBody(req: IncomingMessage, max: number): Promise<BodyRead> {
  const hardCap = Math.max(max * 8, 8 * 1024 * 1024);
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? "NaN");
    if (Number.isFinite(declared) && declared > hardCap) {
      resolve({ kind: "too_large", size: declared });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
      else chunks.length = 0;
      if (size > hardCap && !settled) {
        settled = true;
        resolve({ kind: "too_large", size });
      }
    });
    req.on("end", () => {
      if (settled) return;
      settled = true;
      resolve(size > max ? { kind: "too_large", size } : { kind: "ok", bytes: Buffer.concat(chunks) });
    });
    req.on("error", (e) => {
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Buffer): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

function mediaType(req: IncomingMessage): string {
  return (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
}

// ---------------------------------------------------------------------------
// The request body (config/README.md, "What the backend answers")

interface ActionRequest {
  actionName: string;
  parameters: Record<string, { type: string; value: string }>;
  sessionId: string;
  isNew: boolean;
  accessToken: string;
  deviceType: string;
}

/** Checks the body against the request shape in config/README.md; a reason string when it is not. */
function readActionRequest(body: unknown, name: string): ActionRequest | string {
  if (!isObject(body)) return "body is not a JSON object";
  if (body.version !== "2.0") return "version is not \"2.0\"";
  const action = body.action;
  if (!isObject(action)) return "action is not an object";
  if (typeof action.actionName !== "string") return "action.actionName is not a string";
  if (action.actionName !== name) return "action.actionName does not match the path";
  const params = action.parameters;
  if (!isObject(params)) return "action.parameters is not an object";
  const parameters: ActionRequest["parameters"] = {};
  for (const [k, p] of Object.entries(params)) {
    if (!isObject(p) || typeof p.type !== "string" || typeof p.value !== "string") {
      return "parameter " + JSON.stringify(k) + " is not {type, value} strings";
    }
    parameters[k] = { type: p.type, value: p.value };
  }
  const context = body.context;
  if (!isObject(context)) return "context is not an object";
  const session = context.session;
  if (!isObject(session)) return "context.session is not an object";
  if (typeof session.id !== "string" || session.id.length === 0) return "context.session.id is not a non-empty string";
  if (typeof session.isNew !== "boolean") return "context.session.isNew is not a boolean";
  if (typeof session.accessToken !== "string" || session.accessToken.length === 0) {
    return "context.session.accessToken is not a non-empty string";
  }
  const device = context.device;
  if (!isObject(device)) return "context.device is not an object";
  if (typeof device.type !== "string" || device.type.length === 0) return "context.device.type is not a non-empty string";
  if (!isObject(device.state)) return "context.device.state is not an object";
  return {
    actionName: name,
    parameters,
    sessionId: session.id,
    isNew: session.isNew,
    accessToken: session.accessToken,
    deviceType: device.type,
  };
}

// ---------------------------------------------------------------------------
// The demo play

interface PlayAnswer {
  resultCode: string;
  speech?: string;
  display?: string;
}

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

/** Today's fixed demo schedule: 24-hour time, spoken time, what. */
export const DEMO_SCHEDULE: ReadonlyArray<readonly [string, string, string]> = [
  ["09:00", "9 AM", "Team stand-up"],
  ["12:30", "12:30 PM", "Lunch with Sam"],
  ["16:00", "4 PM", "Dentist"],
];

function isoDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

function todaySchedule(now: Date): PlayAnswer {
  const day = `${WEEKDAYS[now.getDay()]} ${now.getDate()} ${MONTHS[now.getMonth()]}`;
  const items = DEMO_SCHEDULE.map(([, spoken, what]) => `${what[0].toLowerCase()}${what.slice(1)} at ${spoken}`);
  const list = items.slice(0, -1).join(", ") + ", and " + items[items.length - 1];
  return {
    resultCode: "OK",
    speech: `Today, ${day}, you have ${DEMO_SCHEDULE.length} events: ${list}.`,
    display: [isoDate(now), ...DEMO_SCHEDULE.map(([hhmm, , what]) => `${hhmm} ${what}`)].join("\n"),
  };
}

const ORDER_STATES = [
  ["is being packed", "Packing"],
  ["has shipped and arrives tomorrow", "Shipped, arrives tomorrow"],
  ["is out for delivery", "Out for delivery"],
  ["was delivered", "Delivered"],
] as const;

/**
 * Known orders are 4 to 10 digits not starting with 0; the state is the
 * digit sum modulo 4, so the same number always gives the same answer.
 */
export function orderStatus(orderNumber: string): PlayAnswer {
  if (!/^[1-9][0-9]{3,9}$/.test(orderNumber)) {
    return {
      resultCode: "ORDER_NOT_FOUND",
      speech: `I couldn't find order ${orderNumber}.`,
      display: `Order ${orderNumber}: not found`,
    };
  }
  let sum = 0;
  for (const c of orderNumber) sum += c.charCodeAt(0) - 48;
  const [spoken, shown] = ORDER_STATES[sum % ORDER_STATES.length];
  return { resultCode: "OK", speech: `Order ${orderNumber} ${spoken}.`, display: `Order ${orderNumber}: ${shown}` };
}

function answerAction(req: ActionRequest, claims: IntrospectResult, now: Date): PlayAnswer {
  switch (req.actionName) {
    case "WhoAmI": {
      const who = claims.sub && claims.sub.length > 0 ? claims.sub : "an unnamed account";
      return { resultCode: "OK", speech: `You are signed in as ${who}.`, display: `Signed in as ${who}` };
    }
    case "TodaySchedule":
      return todaySchedule(now);
    case "OrderStatus": {
      const p = req.parameters.orderNumber;
      if (!p || p.type !== "NUMBER" || !/^[0-9]{1,32}$/.test(p.value)) {
        return { resultCode: "INVALID_PARAMETER", speech: "I need an order number to look that up." };
      }
      return orderStatus(p.value);
    }
    default:
      return { resultCode: "UNKNOWN_ACTION" };
  }
}

// ---------------------------------------------------------------------------
// The server

export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const now = opts.now ?? (() => new Date());
  const log = opts.log ?? (() => {});
  // Tokens invalidated through this backend stay refused here even if the
  // authorization server still calls them active.
  const invalidated = new Set<string>();

  async function lookUp(token: string): Promise<IntrospectResult> {
    if (invalidated.has(tokenHash(token))) return { active: false };
    const claims = await opts.introspect(token);
    if (!claims || claims.active !== true) return { active: false };
    if (typeof claims.exp === "number" && claims.exp * 1000 <= now().getTime()) return { active: false };
    return claims;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rec: RecordedRequest, secrets: string[]) {
    const method = req.method ?? "";
    const path = new URL(req.url ?? "/", "http://localhost").pathname;

    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const text = JSON.stringify(body);
      res.writeHead(status, {
        "Content-Type": "application/json; charset=utf-8",
        "Cache-Control": "no-store",
        "Content-Length": Buffer.byteLength(text),
        ...headers,
      });
      res.end(text);
      if (isObject(body)) {
        const r = body.resultCode ?? body.error;
        if (typeof r === "string") rec.result = r;
      }
    };
    const play = (status: number, resultCode: string, headers: Record<string, string> = {}) =>
      json(status, { version: "2.0", resultCode }, headers);

    const isInvalidate = path === INVALIDATE_PATH;
    const actionMatch = ACTION_PATH.exec(path);
    if (!isInvalidate && !actionMatch) {
      rec.note = "no such path";
      json(404, { error: "not_found" });
      return;
    }
    if (method !== "POST") {
      rec.note = "method not allowed";
      json(405, { error: "method_not_allowed" }, { Allow: "POST" });
      return;
    }

    const read = await readBody(req, maxBody);
    if (read.kind === "too_large") {
      rec.note = `body of ${read.size} bytes is over ${maxBody}`;
      if (isInvalidate) json(413, { ok: false, error: "too_large" }, { Connection: "close" });
      else play(413, "INVALID_REQUEST", { Connection: "close" });
      return;
    }
    const text = decodeUtf8(read.bytes);

    if (isInvalidate) {
      if (text === null || mediaType(req) !== "application/x-www-form-urlencoded") {
        rec.note = "invalidate wants a UTF-8 form body";
        json(400, { ok: false, error: "invalid_request" });
        return;
      }
      const form = new URLSearchParams(text);
      const tokens = form.getAll("token");
      for (const t of tokens) secrets.push(t);
      rec.body = Object.fromEntries(form.entries());
      if (tokens.length > 1) {
        rec.note = "token given more than once";
        json(400, { ok: false, error: "invalid_request" });
        return;
      }
      const token = tokens[0] ?? "";
      if (token.length === 0) {
        rec.note = "no token";
        json(200, { ok: false, error: "invalid_auth" });
        return;
      }
      let claims: IntrospectResult;
      try {
        claims = await lookUp(token);
      } catch {
        rec.note = "introspection failed";
        json(503, { ok: false, error: "auth_unavailable" }, { "Retry-After": "5" });
        return;
      }
      if (!claims.active) {
        rec.note = "token not active";
        json(200, { ok: false, error: "invalid_auth" });
        return;
      }
      invalidated.add(tokenHash(token));
      if (opts.revoke) {
        try {
          await opts.revoke(token);
        } catch {
          rec.note = "revocation at the authorization server failed";
          json(502, { ok: false, error: "revoke_failed" });
          return;
        }
      }
      rec.note = `invalidated a token of ${claims.sub ?? "?"}`;
      json(200, { ok: true });
      return;
    }

    const name = actionMatch![1];
    let parsedBody: unknown = null;
    if (text !== null) {
      try {
        parsedBody = JSON.parse(text);
      } catch {
        parsedBody = null;
      }
    }
    if (isObject(parsedBody)) {
      const ctx = parsedBody.context;
      const session = isObject(ctx) ? ctx.session : undefined;
      if (isObject(session) && typeof session.accessToken === "string") secrets.push(session.accessToken);
    }
    rec.body = parsedBody;

    // RFC 6750 §3.1: no credentials (or another scheme) -> 401 without an error code.
    const auth = req.headers.authorization;
    if (auth === undefined || !/^bearer(\s|$)/i.test(auth.trim())) {
      rec.note = auth === undefined ? "no Authorization header" : "not a Bearer credential";
      play(401, "UNAUTHORIZED", { "WWW-Authenticate": `Bearer realm="${REALM}"` });
      return;
    }
    const m = BEARER.exec(auth);
    if (!m) {
      rec.note = "malformed Bearer credential";
      play(400, "INVALID_REQUEST", {
        "WWW-Authenticate": `Bearer realm="${REALM}", error="invalid_request", error_description="malformed Bearer credential"`,
      });
      return;
    }
    const token = m[1];
    secrets.push(token);
    const invalidToken = (why: string) => {
      rec.note = why;
      play(401, "UNAUTHORIZED", {
        "WWW-Authenticate": `Bearer realm="${REALM}", error="invalid_token", error_description="${why}"`,
      });
    };
    let claims: IntrospectResult;
    try {
      claims = await lookUp(token);
    } catch {
      rec.note = "introspection failed";
      play(503, "AUTH_UNAVAILABLE", { "Retry-After": "5" });
      return;
    }
    if (!claims.active) {
      invalidToken("the access token is not active");
      return;
    }

    if (mediaType(req) !== "application/json") {
      rec.note = "Content-Type is not application/json";
      play(415, "INVALID_REQUEST");
      return;
    }
    if (text === null || parsedBody === null) {
      rec.note = "body is not UTF-8 JSON";
      play(400, "INVALID_REQUEST");
      return;
    }
    const ar = readActionRequest(parsedBody, name);
    if (typeof ar === "string") {
      rec.note = ar;
      play(400, "INVALID_REQUEST");
      return;
    }
    if (!sameSecret(ar.accessToken, token)) {
      invalidToken("the session token is not the bearer token");
      return;
    }

    const answer = answerAction(ar, claims, now());
    rec.note = `${name} for ${claims.sub ?? "?"}`;
    const body: Record<string, unknown> = { version: "2.0", resultCode: answer.resultCode };
    if (answer.speech !== undefined || answer.display !== undefined) {
      const output: Record<string, string> = {};
      if (answer.speech !== undefined) output.speech = answer.speech;
      if (answer.display !== undefined) output.display = answer.display;
      body.output = output;
    }
    body.directives = [];
    json(200, body);
  }

  const server = createServer((req, res) => {
    const rec: RecordedRequest = { method: req.method ?? "", path: "", headers: {}, body: null, status: 0, at: Date.now() };
    const secrets: string[] = [];
    const finish = () => {
      rec.status = res.statusCode;
      rec.path = scrub(new URL(req.url ?? "/", "http://localhost").pathname, secrets) as string;
      rec.headers = recordHeaders(req, secrets);
      rec.body = scrub(rec.body, secrets);
      if (rec.note !== undefined) rec.note = scrub(rec.note, secrets) as string;
      opts.onRequest?.(rec);
      log(`backend ${rec.method} ${rec.path} -> ${rec.status}${rec.result ? " " + rec.result : ""}${rec.note ? " (" + rec.note + ")" : ""}`);
    };
    handle(req, res, rec, secrets)
      .catch(() => {
        rec.note = "internal error";
        if (!res.headersSent) {
          res.writeHead(500, { "Content-Type": "application/json; charset=utf-8", Connection: "close" });
          res.end(JSON.stringify({ error: "internal" }));
        } else res.destroy();
      })
      .finally(() => {
        finish();
        // An oversized body past the hard cap is not drained: cut the connection.
        if (!req.complete) {
          if (res.writableFinished) req.socket.destroy();
          else res.once("finish", () => req.socket.destroy());
        }
      });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

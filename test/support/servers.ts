// The embedded servers as the tests use them: host/authserver.ts and
// host/backend.ts plus what only tests need, kept here rather than in the
// product: every protocol answer of the authorization server (with the
// tokens and secrets it issued, to prove none leaks), and every request the
// backend received (tokens redacted).
import * as crypto from "node:crypto";
import { performance } from "node:perf_hooks";
import {
  startAuthServer as startHostAuthServer, type AuthServer as HostAuthServer, type AuthServerOptions,
} from "../../host/authserver.ts";
import {
  startBackend as startHostBackend, type Backend as HostBackend, type BackendOptions, type RecordedRequest,
} from "../../host/backend.ts";

export { type AuthServerOptions, type BackendOptions, type RecordedRequest };
export { INVALIDATE_PATH } from "../../host/backend.ts";

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const MAX_RECORDED = 1000;

export interface ServerEvent {
  /**
   * "device_authorization", "device_code_poll", "refresh", "token" (any other
   * grant type), "revocation" or "introspection".
   */
  name: string;
  /** performance.now() milliseconds when the answer was sent. */
  at: number;
  detail: {
    /** "success" or the OAuth error code ("authorization_pending", "invalid_grant", ...). */
    outcome: string;
    status: number;
    clientId?: string;
    grantType?: string;
    /** Date.now() when the answer was sent. */
    wall: number;
    /** Duration of the request in the provider, ms. */
    ms: number;
    /** First 8 hex chars of sha256(device_code) for polls, to tell devices apart. */
    dc?: string;
    /** First 8 hex chars of sha256(refresh_token) presented on a refresh. */
    rt?: string;
    /** error_description, when the provider gave one. */
    description?: string;
  };
}

export interface AuthServer extends HostAuthServer {
  /** Token endpoint activity and other protocol endpoint answers, in order. */
  events: ServerEvent[];
  /** Every access and refresh token value the server issued. */
  issuedTokens(): string[];
  /** issuedTokens() plus every ID token and device_code issued: all secrets a device may hold. */
  issuedSecrets(): string[];
}

export interface Backend extends HostBackend {
  /** The last requests received, oldest first, tokens redacted. */
  requests: RecordedRequest[];
}

function hashPrefix(value: string): string {
  return crypto.createHash("sha256").update(value).digest("hex").slice(0, 8);
}

/** The embedded authorization server, recording every protocol answer. */
export async function startAuthServer(opts: AuthServerOptions = {}): Promise<AuthServer> {
  const events: ServerEvent[] = [];
  const issued: string[] = [];
  const secrets: string[] = [];
  let paths: { token: string; device: string; revocation: string; introspection: string } | null = null;

  const record = async (ctx: any, next: () => Promise<void>) => {
    const t0 = performance.now();
    await next();
    if (ctx.method !== "POST" || !paths) return;
    let name: string | undefined;
    if (ctx.path === paths.token) name = "token";
    else if (ctx.path === paths.device) name = "device_authorization";
    else if (ctx.path === paths.revocation) name = "revocation";
    else if (ctx.path === paths.introspection) name = "introspection";
    if (!name) return;
    let params: Record<string, any> = {};
    try {
      params = ctx.oidc?.params ?? {};
    } catch {
      params = {};
    }
    const body = ctx.body && typeof ctx.body === "object" ? ctx.body : {};
    const grantType: string | undefined = name === "token" ? params.grant_type : undefined;
    if (grantType === DEVICE_CODE_GRANT) name = "device_code_poll";
    else if (grantType === "refresh_token") name = "refresh";
    const status: number = ctx.status;
    const outcome = typeof body.error === "string" ? body.error : status >= 200 && status < 300 ? "success" : `http_${status}`;
    let clientIdSeen: string | undefined;
    try {
      clientIdSeen = ctx.oidc?.client?.clientId ?? params.client_id;
    } catch {
      clientIdSeen = undefined;
    }
    const detail: ServerEvent["detail"] = {
      outcome, status, clientId: clientIdSeen, wall: Date.now(), ms: Math.round((performance.now() - t0) * 10) / 10,
    };
    if (grantType) detail.grantType = grantType === DEVICE_CODE_GRANT ? "device_code" : grantType;
    if (typeof params.device_code === "string") detail.dc = hashPrefix(params.device_code);
    if (typeof params.refresh_token === "string") detail.rt = hashPrefix(params.refresh_token);
    if (typeof body.error_description === "string") detail.description = body.error_description;
    events.push({ name, at: performance.now(), detail });
    for (const k of ["access_token", "refresh_token"]) {
      if (typeof body[k] === "string") {
        issued.push(body[k]);
        secrets.push(body[k]);
      }
    }
    if (typeof body.id_token === "string") secrets.push(body.id_token);
    if (name === "device_authorization" && typeof body.device_code === "string") secrets.push(body.device_code);
  };

  const server = await startHostAuthServer({ ...opts, middleware: [record, ...(opts.middleware ?? [])] });
  const c = server.deviceConfig();
  const path = (u: string) => new URL(u).pathname;
  paths = {
    token: path(c.token_endpoint), device: path(c.device_authorization_endpoint),
    revocation: path(c.revocation_endpoint), introspection: path(c.introspection_endpoint),
  };
  return Object.assign(server, { events, issuedTokens: () => [...issued], issuedSecrets: () => [...secrets] });
}

/** The embedded action backend, keeping the last requests it received. */
export async function startBackend(opts: BackendOptions): Promise<Backend> {
  const requests: RecordedRequest[] = [];
  const backend = await startHostBackend({
    ...opts,
    onRequest: (rec) => {
      requests.push(rec);
      if (requests.length > MAX_RECORDED) requests.splice(0, requests.length - MAX_RECORDED);
      opts.onRequest?.(rec);
    },
  });
  return Object.assign(backend, { requests });
}

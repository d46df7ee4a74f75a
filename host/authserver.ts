// Embedded authorization server for the simulator and the tests.
//
// A real OpenID provider (`oidc-provider` v8) runs in-process on loopback with
// the Device Authorization Grant (RFC 8628), refresh tokens (RFC 6749 §6),
// revocation (RFC 7009) and introspection (RFC 7662) enabled.
//
// Two clients are registered:
//   - the device: a public client (no secret) allowed the device_code and
//     refresh_token grants. It asks for `openid offline_access`, so a refresh
//     token is issued. Refresh tokens of a public client are rotated on every
//     use, and presenting a spent one revokes the whole grant (provider default).
//   - the action backend: a confidential client that may only introspect.
//
// The login page is the provider's development login: any user name and any
// password are accepted. That is fine for a simulator and for tests, never for
// a product.

import * as http from "node:http";
import * as crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { networkInterfaces } from "node:os";
import { FileStore, GrantStore, MemoryStore } from "./authstore.ts";
// @ts-ignore -- the package ships no type declarations
import Provider from "oidc-provider";

export interface AuthServerOptions {
  /**
   * Port to listen on; 0 or absent picks a free port, or, with `dataDir`,
   * the port kept there from the first start (so the issuer stays the same).
   */
  port?: number;
  /**
   * Directory where the server keeps its grants, sessions and tokens
   * (authserver.db) and its port, signing key and cookie keys
   * (authserver.json), so a restart keeps every link. Absent: all in memory.
   */
  dataDir?: string;
  /**
   * Also serve the sign-in pages on this machine's LAN address, so a phone on
   * the same network can open them. The device keeps talking to the loopback
   * issuer; only verification_uri(_complete) name the LAN address.
   */
  lan?: boolean;
  /** Lifetime of a device_code / user_code, seconds. Default 600. */
  deviceCodeTtl?: number;
  /** Lifetime of an access token, seconds. Default 3600. */
  accessTokenTtl?: number;
  /** Lifetime of a refresh token, seconds. Default 14 days. */
  refreshTokenTtl?: number;
  /** Client id of the device (public client). Default "linkfw-device". */
  clientId?: string;
  /** Receives the provider's own notices and server errors. Silent when absent. */
  log?: (line: string) => void;
  /** Koa middleware run around the provider's routes (the tests record answers with it). */
  middleware?: ((ctx: any, next: () => Promise<void>) => Promise<void>)[];
  /** Told every successful device authorization answer (RFC 8628 §3.2), as sent. */
  onDeviceAuthorization?: (answer: { user_code: string; verification_uri: string; verification_uri_complete?: string; expires_in: number }) => void;
}

export interface IntrospectionResult {
  active: boolean;
  sub?: string;
  client_id?: string;
  exp?: number;
  iat?: number;
  scope?: string;
  token_type?: string;
  [k: string]: unknown;
}

export interface BackendClient {
  clientId: string;
  clientSecret: string;
}

export interface DeviceConfig {
  issuer: string;
  device_authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  introspection_endpoint: string;
  client_id: string;
  scope: string;
}

export interface AuthServer {
  /** Issuer identifier, "http://127.0.0.1:PORT". */
  issuer: string;
  /** Where a person opens the sign-in pages: the issuer, or the LAN address with `lan`. */
  publicUrl: string;
  /** Base URL (same as issuer). */
  url: string;
  /** Client id of the device. */
  clientId: string;
  /** Confidential client for the action backend (introspection only). */
  backend: BackendClient;
  close(): Promise<void>;
  /** Device configuration JSON for the firmware. */
  deviceConfig(): DeviceConfig;
  /** RFC 7662 introspection over HTTP, authenticated as the backend client. */
  introspect(token: string): Promise<IntrospectionResult>;
  /**
   * Revokes every grant (and so every access and refresh token) of `sub`, or
   * of every account when `sub` is absent, as if the person unlinked the
   * device on the web. Returns how many grants were revoked.
   */
  revokeGrantsFor(sub?: string): Promise<number>;
}

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

// ---------------------------------------------------------------------------
// Signing key for ID tokens: one RSA key per process (generation is slow).
// ---------------------------------------------------------------------------

let signingJwk: Record<string, unknown> | undefined;
function newSigningKey(): Record<string, unknown> {
  const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" }) as Record<string, unknown>;
  return { ...jwk, kid: `linkfw-${crypto.randomBytes(4).toString("hex")}`, use: "sig", alg: "RS256" };
}
function signingKey(): Record<string, unknown> {
  if (!signingJwk) signingJwk = newSigningKey();
  return signingJwk;
}

// ---------------------------------------------------------------------------
// What a server with a data directory keeps besides its store: the port (the
// issuer is "http://127.0.0.1:PORT", and a device only trusts a stored link
// for the issuer it was made with), the signing key, the cookie keys (a
// sign-in session survives a restart) and the backend client's secret.
// ---------------------------------------------------------------------------

export const KEPT_FILE = "authserver.json";
export const STORE_FILE = "authserver.db";

interface Kept {
  port: number;
  jwk: Record<string, unknown>;
  cookieKeys: string[];
  backendSecret: string;
}

function loadKept(file: string): Kept | null {
  if (!existsSync(file)) return null;
  let k: any;
  try {
    k = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); delete it to start the server afresh (devices must link again)`);
  }
  const ok = k && Number.isInteger(k.port) && k.port > 0 && k.port < 65536 && k.jwk && typeof k.jwk === "object" &&
    Array.isArray(k.cookieKeys) && k.cookieKeys.length > 0 && k.cookieKeys.every((c: unknown) => typeof c === "string") &&
    typeof k.backendSecret === "string";
  if (!ok) throw new Error(`${file} lacks port, jwk, cookieKeys or backendSecret; delete it to start the server afresh (devices must link again)`);
  return k as Kept;
}

function saveKept(file: string, k: Kept): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(k, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}

/** This machine's first non-internal IPv4 address, or null. */
export function lanAddress(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === "IPv4" && !a.internal) return a.address;
  }
  return null;
}

/** Thrown when the port to listen on is taken; `message` says what to do. */
export class PortTakenError extends Error {
  constructor(message: string, public port: number) {
    super(message);
    this.name = "PortTakenError";
  }
}

// ---------------------------------------------------------------------------
// Pages shown on the phone. Plain, self-contained HTML: no external fonts or
// scripts, so they render the same offline.
// ---------------------------------------------------------------------------

function esc(s: unknown): string {
  return String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:sans-serif;margin:24px}.box{max-width:320px;margin:0 auto;padding:16px;background:#f4f4f4;border-radius:4px}
h1{font-weight:300;text-align:center}input[type=text]{width:100%;font-size:20px;text-align:center;text-transform:uppercase;box-sizing:border-box;padding:8px}
button{width:100%;margin-top:10px;padding:8px;font-size:16px}button[name=abort]{background:none;border:none;color:#666}.red{color:#b00}code{font-size:1.6em}`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<div class="box">
<h1>${esc(title)}</h1>
${body}
</div>
</body>
</html>`;
}

async function userCodeInputSource(ctx: any, form: string, _out: unknown, err: any): Promise<void> {
  let msg: string;
  // The specific errors first: each of them also carries the code entered.
  if (err && err.name === "ExpiredError") {
    msg = '<p class="red" id="code-expired">The code you entered has expired. Start again on your device</p>';
  } else if (err && err.name === "AlreadyUsedError") {
    msg = '<p class="red" id="code-used">The code you entered was already used</p>';
  } else if (err && (err.userCode || err.name === "NoCodeError" || err.name === "NotFoundError")) {
    msg = '<p class="red" id="code-error">The code you entered is incorrect. Try again</p>';
  } else if (err && err.name === "AbortedError") {
    msg = '<p class="red" id="aborted">The Sign-in request was interrupted</p>';
  } else if (err) {
    msg = '<p class="red" id="error">There was an error processing your request</p>';
  } else {
    msg = "<p>Enter the code displayed on your device</p>";
  }
  ctx.body = page("Sign-in", `${msg}\n${form}\n<button type="submit" form="op.deviceInputForm">Continue</button>`);
}

async function userCodeConfirmSource(ctx: any, form: string, client: any, _deviceInfo: unknown, userCode: string): Promise<void> {
  ctx.body = page(
    "Confirm Device",
    `<p><strong>${esc(client.clientName || client.clientId)}</strong></p>
<p>The following code should be displayed on your device</p>
<p><code id="user-code">${esc(userCode)}</code></p>
<p><small>If you did not start this, or the code does not match, click abort.</small></p>
${form}
<button autofocus type="submit" form="op.deviceConfirmForm">Continue</button>
<button type="submit" form="op.deviceConfirmForm" value="yes" name="abort">[ Abort ]</button>`,
  );
}

async function successSource(ctx: any): Promise<void> {
  const name = ctx.oidc.client?.clientName;
  ctx.body = page("Sign-in Success", `<p id="success">Your sign-in ${name ? `with ${esc(name)} ` : ""}was successful, you can now close this page.</p>`);
}

async function renderError(ctx: any, out: Record<string, unknown>): Promise<void> {
  ctx.type = "html";
  ctx.body = page(
    "oops! something went wrong",
    Object.entries(out)
      .map(([k, v]) => `<pre><strong>${esc(k)}</strong>: ${esc(v)}</pre>`)
      .join("\n"),
  );
}

// ---------------------------------------------------------------------------

/** Routes every "oidc-provider ..." console line written during `fn` to `log`. */
function quietly<T>(log: (line: string) => void, fn: () => T): T {
  const { warn, info } = console;
  const route =
    (orig: (...a: unknown[]) => void) =>
    (...a: unknown[]) => {
      const line = a.map(String).join(" ");
      if (line.includes("oidc-provider")) log(line);
      else orig.apply(console, a);
    };
  console.warn = route(warn);
  console.info = route(info);
  try {
    return fn();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}

export async function startAuthServer(opts: AuthServerOptions = {}): Promise<AuthServer> {
  const deviceCodeTtl = opts.deviceCodeTtl ?? 600;
  const accessTokenTtl = opts.accessTokenTtl ?? 3600;
  const refreshTokenTtl = opts.refreshTokenTtl ?? 14 * 24 * 3600;
  const clientId = opts.clientId ?? "linkfw-device";
  const log = opts.log ?? (() => {});
  const keptFile = opts.dataDir ? join(opts.dataDir, KEPT_FILE) : null;
  const kept = keptFile ? loadKept(keptFile) : null;
  const lanHost = opts.lan ? lanAddress() : null;
  if (opts.lan && !lanHost) throw new Error("--lan: this machine has no network address other than loopback");

  const server = http.createServer();
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  const wanted = opts.port ?? kept?.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EADDRINUSE") return reject(e);
      const why = opts.port === undefined && kept
        ? `port ${wanted} of the embedded authorization server (kept in ${keptFile} so linked devices find their issuer again) is in use by another program; stop it, or choose another port with --port N (devices linked before will have to link again)`
        : `port ${wanted} is in use by another program; choose another with --port N`;
      reject(new PortTakenError(why, wanted));
    });
    // With --lan the pages must be reachable from the network; otherwise loopback only.
    server.listen(wanted, opts.lan ? "0.0.0.0" : "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const publicUrl = lanHost ? `http://${lanHost}:${port}` : issuer;

  const state: Kept = {
    port,
    jwk: kept?.jwk ?? (keptFile ? newSigningKey() : signingKey()),
    cookieKeys: kept?.cookieKeys ?? [crypto.randomBytes(32).toString("hex")],
    backendSecret: kept?.backendSecret ?? crypto.randomBytes(24).toString("base64url"),
  };
  let store: GrantStore;
  try {
    if (keptFile) saveKept(keptFile, state);
    const onReopen = (userCode: string) => log(`authserver: code ${userCode} entered again after an unfinished sign-in; it is usable again`);
    store = opts.dataDir ? await FileStore.open(join(opts.dataDir, STORE_FILE), onReopen) : new MemoryStore(onReopen);
  } catch (e) {
    server.close();
    for (const s of sockets) s.destroy();
    throw e;
  }
  const backend: BackendClient = { clientId: "linkfw-backend", clientSecret: state.backendSecret };


  const configuration = {
    adapter: store.adapterClass(),
    jwks: { keys: [state.jwk] },
    cookies: {
      keys: state.cookieKeys,
      // Plain http on loopback: cookies are never Secure, and Lax rather than
      // the default None (browsers reject SameSite=None without Secure).
      long: { httpOnly: true, sameSite: "lax", secure: false },
      short: { httpOnly: true, sameSite: "lax", secure: false },
    },
    clients: [
      {
        client_id: clientId,
        client_name: "Linked device",
        token_endpoint_auth_method: "none",
        grant_types: [DEVICE_CODE_GRANT, "refresh_token"],
        response_types: [],
        redirect_uris: [],
      },
      {
        client_id: backend.clientId,
        client_secret: backend.clientSecret,
        client_name: "Action backend",
        token_endpoint_auth_method: "client_secret_basic",
        grant_types: [],
        response_types: [],
        redirect_uris: [],
      },
    ],
    scopes: ["openid", "offline_access"],
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: true, userCodeInputSource, userCodeConfirmSource, successSource },
      revocation: { enabled: true },
      introspection: {
        enabled: true,
        // A confidential client (the backend) may introspect any token; a
        // public client only its own.
        async allowedPolicy(ctx: any, client: any, token: any) {
          if (client.clientAuthMethod === "none" && token.clientId !== ctx.oidc.client.clientId) return false;
          return true;
        },
      },
    },
    // Refresh tokens only when offline_access was asked for and granted (the
    // provider's rule, stated here so it is visible).
    async issueRefreshToken(_ctx: any, client: any, code: any) {
      return client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access");
    },
    async findAccount(_ctx: any, sub: string) {
      return {
        accountId: sub,
        async claims() {
          return { sub };
        },
      };
    },
    clientBasedCORS: () => true,
    renderError,
    ttl: {
      AccessToken: () => accessTokenTtl,
      IdToken: () => accessTokenTtl,
      DeviceCode: () => deviceCodeTtl,
      RefreshToken: () => refreshTokenTtl,
      Grant: () => Math.max(refreshTokenTtl, 14 * 24 * 3600),
      Session: () => 14 * 24 * 3600,
      Interaction: () => 3600,
      AuthorizationCode: () => 60,
      ClientCredentials: () => 600,
    },
  };

  const provider: any = quietly(log, () => new Provider(issuer, configuration));
  provider.proxy = false;

  provider.on("server_error", (_ctx: unknown, err: Error) => log(`authserver: server_error ${err?.stack ?? err}`));

  const pathOf = (name: string): string => new URL(provider.pathFor ? provider.pathFor(name) : "/", issuer).pathname;
  const paths = {
    token: pathOf("token"),
    device: pathOf("device_authorization"),
    revocation: pathOf("revocation"),
    introspection: pathOf("introspection"),
  };

  for (const m of opts.middleware ?? []) provider.use(m);
  // What this server adds to the provider's answers (inside the tests'
  // recorders, so they see the answer as sent).
  provider.use(async (ctx: any, next: () => Promise<void>) => {
    await next();
    if (ctx.method !== "POST" || ctx.path !== paths.device) return;
    let params: Record<string, any> = {};
    try {
      params = ctx.oidc?.params ?? {};
    } catch {
      params = {};
    }
    // The provider accepts a device authorization without the openid scope,
    // but then ends the person's sign-in with "interrupted" and the device
    // with access_denied, as if someone had refused. Say what is wrong at
    // once instead (RFC 6749 §5.2 invalid_scope), in words that fit a screen.
    if (ctx.status === 200 && !String(params.scope ?? "").split(" ").includes("openid")) {
      ctx.status = 400;
      ctx.body = {
        error: "invalid_scope",
        error_description: 'this server needs scope "openid offline_access" in the device config',
      };
      return;
    }
    const body = ctx.body && typeof ctx.body === "object" ? ctx.body : {};
    // --lan: the person opens the pages at the LAN address; the device keeps the loopback issuer.
    if (publicUrl !== issuer) {
      for (const k of ["verification_uri", "verification_uri_complete"]) {
        if (typeof body[k] === "string" && body[k].startsWith(issuer + "/")) body[k] = publicUrl + body[k].slice(issuer.length);
      }
    }
    if (ctx.status === 200 && typeof body.user_code === "string") opts.onDeviceAuthorization?.(body);
  });

  const callback = provider.callback();
  server.on("request", callback);

  const deviceConfig = (): DeviceConfig => ({
    issuer,
    device_authorization_endpoint: issuer + paths.device,
    token_endpoint: issuer + paths.token,
    revocation_endpoint: issuer + paths.revocation,
    introspection_endpoint: issuer + paths.introspection,
    client_id: clientId,
    scope: "openid offline_access",
  });

  async function introspect(token: string): Promise<IntrospectionResult> {
    const auth = Buffer.from(
      `${encodeURIComponent(backend.clientId)}:${encodeURIComponent(backend.clientSecret)}`,
    ).toString("base64");
    const res = await fetch(issuer + paths.introspection, {
      method: "POST",
      headers: {
        authorization: `Basic ${auth}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ token }).toString(),
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`introspection failed: HTTP ${res.status} ${text.slice(0, 200)}`);
    return JSON.parse(text) as IntrospectionResult;
  }

  const revokeGrantsFor = (sub?: string) => store.revokeGrantsFor(sub);

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    await store.close();
  }

  return {
    issuer,
    publicUrl,
    url: issuer,
    clientId,
    backend,
    close,
    deviceConfig,
    introspect,
    revokeGrantsFor,
  };
}

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
// @ts-ignore -- the package ships no type declarations
import Provider from "oidc-provider";

export interface AuthServerOptions {
  /** Port to listen on; 0 or absent picks a free port. */
  port?: number;
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
// Storage adapter: one in-memory store per server instance.
//
// The provider's bundled memory adapter keeps a single store for the whole
// process and drops entries the moment they expire, which turns an expired
// device_code into "not found" (invalid_grant) instead of expired_token. This
// store keeps expired entries for a grace period; the provider itself checks
// every artifact's expiry.
// ---------------------------------------------------------------------------

interface Entry {
  payload: Record<string, any>;
  /** Date.now() after which the entry may be swept. */
  sweepAfter: number;
}

const EXPIRED_GRACE_MS = 15 * 60 * 1000;

class Store {
  models = new Map<string, Map<string, Entry>>();
  userCodes = new Map<string, string>(); // userCode -> DeviceCode id
  sessionUids = new Map<string, string>(); // uid -> Session id
  lastSweep = 0;

  model(name: string): Map<string, Entry> {
    let m = this.models.get(name);
    if (!m) {
      m = new Map();
      this.models.set(name, m);
    }
    return m;
  }

  sweep(): void {
    const now = Date.now();
    if (now - this.lastSweep < 10_000) return;
    this.lastSweep = now;
    for (const m of this.models.values()) {
      for (const [id, e] of m) if (e.sweepAfter < now) m.delete(id);
    }
  }

  adapterClass(): new (name: string) => object {
    const store = this;
    return class LoopbackAdapter {
      name: string;
      constructor(name: string) {
        this.name = name;
      }
      async upsert(id: string, payload: Record<string, any>, expiresIn?: number): Promise<void> {
        store.sweep();
        const ttlMs = typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1000 : 365 * 24 * 3600 * 1000;
        store.model(this.name).set(id, {
          payload: structuredClone(payload),
          sweepAfter: Date.now() + ttlMs + EXPIRED_GRACE_MS,
        });
        if (this.name === "Session" && payload.uid) store.sessionUids.set(payload.uid, id);
        if (payload.userCode) store.userCodes.set(payload.userCode, id);
      }
      async find(id: string): Promise<Record<string, any> | undefined> {
        const e = store.model(this.name).get(id);
        return e ? structuredClone(e.payload) : undefined;
      }
      async findByUserCode(userCode: string): Promise<Record<string, any> | undefined> {
        const id = store.userCodes.get(userCode);
        return id === undefined ? undefined : this.find(id);
      }
      async findByUid(uid: string): Promise<Record<string, any> | undefined> {
        const id = store.sessionUids.get(uid);
        return id === undefined ? undefined : this.find(id);
      }
      async consume(id: string): Promise<void> {
        const e = store.model(this.name).get(id);
        if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
      }
      async destroy(id: string): Promise<void> {
        store.model(this.name).delete(id);
      }
      async revokeByGrantId(grantId: string): Promise<void> {
        const m = store.model(this.name);
        for (const [id, e] of m) if (e.payload.grantId === grantId) m.delete(id);
      }
    };
  }
}

// ---------------------------------------------------------------------------
// Signing key for ID tokens: one RSA key per process (generation is slow).
// ---------------------------------------------------------------------------

let signingJwk: Record<string, unknown> | undefined;
function signingKey(): Record<string, unknown> {
  if (!signingJwk) {
    const { privateKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = privateKey.export({ format: "jwk" }) as Record<string, unknown>;
    signingJwk = { ...jwk, kid: `linkfw-${crypto.randomBytes(4).toString("hex")}`, use: "sig", alg: "RS256" };
  }
  return signingJwk;
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
  if (err && (err.userCode || err.name === "NoCodeError")) {
    msg = '<p class="red" id="code-error">The code you entered is incorrect. Try again</p>';
  } else if (err && err.name === "ExpiredError") {
    msg = '<p class="red" id="code-expired">The code you entered has expired. Start again on your device</p>';
  } else if (err && err.name === "AlreadyUsedError") {
    msg = '<p class="red" id="code-used">The code you entered was already used</p>';
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
  const backend: BackendClient = {
    clientId: "linkfw-backend",
    clientSecret: crypto.randomBytes(24).toString("base64url"),
  };

  const server = http.createServer();
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;

  const store = new Store();

  const configuration = {
    adapter: store.adapterClass(),
    jwks: { keys: [signingKey()] },
    cookies: {
      keys: [crypto.randomBytes(32).toString("hex")],
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

  async function revokeGrantsFor(sub?: string): Promise<number> {
    const grants = store.model("Grant");
    const victims: string[] = [];
    for (const [id, e] of grants) {
      if (sub === undefined || e.payload.accountId === sub) victims.push(id);
    }
    for (const grantId of victims) {
      for (const [name, m] of store.models) {
        if (name === "Grant") continue;
        for (const [id, e] of m) if (e.payload.grantId === grantId) m.delete(id);
      }
      grants.delete(grantId);
    }
    return victims.length;
  }

  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
  }

  return {
    issuer,
    url: issuer,
    clientId,
    backend,
    close,
    deviceConfig,
    introspect,
    revokeGrantsFor,
  };
}

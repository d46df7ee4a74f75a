// Drives the release firmware (on the in-process FuzzBoard) to a given
// endpoint, so an answer can be fed to that endpoint's real completion:
// device authorization, token (device code grant), refresh, discovery,
// action. Used by the fuzz driver, its corpus replay and the memory tests.
import { readFileSync } from "node:fs";
import { FuzzBoard, Request, Answer } from "./board.ts";

export const ENDPOINTS = ["device_authorization", "token", "refresh", "discovery", "action"] as const;
export type Endpoint = (typeof ENDPOINTS)[number];

export const CLIENT_SECRET = "fuzz-client-secret-Q7X2";
const ISSUER = "https://as.example";

export const CONFIG_FULL = {
  issuer: ISSUER,
  device_authorization_endpoint: ISSUER + "/device/auth",
  token_endpoint: ISSUER + "/token",
  revocation_endpoint: ISSUER + "/revoke",
  client_id: "fuzz-tv",
  client_secret: CLIENT_SECRET,
  scope: "openid offline_access",
  backend: "https://api.example/play",
};
export const CONFIG_DISCOVERY = { issuer: ISSUER, client_id: "fuzz-tv", client_secret: CLIENT_SECRET, backend: "https://api.example/play" };

export const ACTION_TABLE = readFileSync(new URL("../../config/actions.json", import.meta.url), "utf8");

/** Tokens a valid answer issues; they must never appear in any output. */
export function secretsOf(n: number): { at: string; rt: string } {
  return { at: "AT-SECRET-" + n.toString(36) + "-a1b2c3d4", rt: "RT-SECRET-" + n.toString(36) + "-e5f6a7b8" };
}

export const VALID = {
  device_authorization: () => JSON.stringify({
    device_code: "dc-" + Math.floor(Math.random() * 1e9), user_code: "BCDFGHJK",
    verification_uri: ISSUER + "/device", verification_uri_complete: ISSUER + "/device?user_code=BCDFGHJK", expires_in: 600, interval: 5,
  }),
  token: (n: number) => JSON.stringify({ access_token: secretsOf(n).at, refresh_token: secretsOf(n).rt, token_type: "Bearer", expires_in: 3600, scope: "openid offline_access" }),
  pending: () => JSON.stringify({ error: "authorization_pending" }),
  discovery: () => JSON.stringify({
    issuer: ISSUER, device_authorization_endpoint: ISSUER + "/device/auth", token_endpoint: ISSUER + "/token",
    revocation_endpoint: ISSUER + "/revoke", grant_types_supported: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
  }),
  action: () => JSON.stringify({ version: "2.0", resultCode: "OK", output: { speech: "You are fuzz.", display: "fuzz" }, directives: [] }),
};

export function classify(r: Request): Endpoint | "revocation" | "other" {
  if (r.url.includes("/.well-known/")) return "discovery";
  if (r.url.endsWith("/device/auth")) return "device_authorization";
  if (r.url.endsWith("/token")) return r.body.includes("grant_type=refresh_token") ? "refresh" : "token";
  if (r.url.startsWith("https://api.example/")) return "action";
  if (r.url.endsWith("/revoke")) return "revocation";
  return "other";
}

const json = (body: string, status = 200): Answer => ({ status, contentType: "application/json", body });

let issued = 0;

/** A board linked through the real flow with valid answers (tokens secretsOf(n)). */
export function linkedBoard(): { board: FuzzBoard; n: number } {
  const board = new FuzzBoard({ config: CONFIG_FULL, actionTable: ACTION_TABLE });
  board.boot();
  const n = ++issued;
  for (let i = 0; i < 20 && board.state !== "linked"; i++) {
    const r = board.runUntilRequest();
    if (!r) break;
    const e = classify(r);
    if (e === "device_authorization") board.answer(r, json(VALID.device_authorization()));
    else if (e === "token") board.answer(r, json(VALID.token(n)));
    else board.answer(r, json("{}", 500));
  }
  return { board, n };
}

/**
 * Moves `board` until it has a pending request for `want` and returns it,
 * answering other requests validly on the way; null if it cannot get there.
 */
export function reach(board: FuzzBoard, want: Endpoint, n: number): Request | null {
  for (let i = 0; i < 40; i++) {
    let r = board.requests[0] ?? null;
    if (!r && want === "action" && board.state === "linked") {
      board.say("who am i");
      r = board.requests[0] ?? null;
    }
    if (!r && want === "refresh" && board.state === "linked") {
      board.tick(board.now + 3600 * 1000); // past the refresh point of a one-hour token
      r = board.requests[0] ?? null;
    }
    if (!r) r = board.runUntilRequest(want === "refresh" ? 4000 * 1000 : 120000);
    if (!r) {
      board.press(1); // LINK: recovery from any stopped state
      continue;
    }
    const e = classify(r);
    if (e === want) return r;
    if (e === "device_authorization") board.answer(r, json(VALID.device_authorization()));
    else if (e === "token") board.answer(r, json(want === "refresh" || want === "action" ? VALID.token(n) : VALID.pending(), want === "refresh" || want === "action" ? 200 : 400));
    else if (e === "refresh") board.answer(r, json(VALID.token(n)));
    else if (e === "discovery") board.answer(r, json(VALID.discovery()));
    else if (e === "action") board.answer(r, json(VALID.action()));
    else board.answer(r, json("{\"ok\":true}"));
  }
  return null;
}

/**
 * A linked board and one voice action on it: "who am i", answered with
 * VALID.action(). Throws when no action request comes (with the board's
 * state and traps). The bench's per-action figures run it (bench/work.ts,
 * bench/quiet.ts).
 */
export function voiceActions(): { board: FuzzBoard; one: () => void } {
  const { board, n } = boardFor("action");
  const body = VALID.action();
  const one = (): void => {
    const r = reach(board, "action", n);
    if (r === null) throw new Error(`no action request (state ${board.state}, ${board.traps} traps: ${board.lastTrap})`);
    board.answer(r, json(body));
  };
  return { board, one };
}

/** A board set up for `e`: discovery needs an issuer-only config, the rest a linked or linking device. */
export function boardFor(e: Endpoint): { board: FuzzBoard; n: number } {
  if (e === "discovery") {
    const board = new FuzzBoard({ config: CONFIG_DISCOVERY, actionTable: ACTION_TABLE });
    board.boot();
    return { board, n: ++issued };
  }
  if (e === "refresh" || e === "action") return linkedBoard();
  const board = new FuzzBoard({ config: CONFIG_FULL, actionTable: ACTION_TABLE });
  board.boot();
  return { board, n: ++issued };
}

/** Output lines that leak a secret (plain, base64, base64url or hex), or carry terminal controls. */
export function leaks(outputs: string[], secrets: string[]): string[] {
  const forms: string[] = [];
  for (const s of secrets) {
    const b = Buffer.from(s);
    forms.push(s, b.toString("base64").replace(/=+$/, ""), b.toString("base64url"), b.toString("hex"));
  }
  return outputs.filter((o) => forms.some((f) => o.includes(f)) || (!o.startsWith("log:") && /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(o)));
}

// Memory entries: each endpoint's real answer handling, part of the fuzz
// module (release settings) so test/hil/hostile-memory.test.ts can feed the
// largest answers 10,000 times in one instance; and compiled alone with the
// stub runtime (a bump allocator that never frees, as the minimal runtime
// never frees inside an entry) so heap_mark() differences are the heap's
// high-water mark for one answer.
// The answer's bytes are copied into a fresh buffer per call, as the board
// wrapper does with a real body (assembly/board/net.ts).
import { HttpResponse, parseBody } from "../../assembly/net/http";
import { JSON_MAX_CHARS } from "../../assembly/net/json";
import { DeviceFlow, LinkState } from "../../assembly/auth/device_flow";
import { DeviceConfig, parseDeviceConfig, applyDiscovery } from "../../assembly/auth/config";
import { TokenLifecycle, TokenAction } from "../../assembly/auth/tokens";
import { TokenSet } from "../../assembly/auth/oauth";
import { parseActionResponse } from "../../assembly/actions/request";
import { Rng } from "../../assembly/auth/backoff";

/**
 * The input buffer, shared with entries.ts (one buffer in a 2-page module):
 * the largest JSON text the reader takes plus room to try larger ones.
 */
export const IN_CAP: i32 = JSON_MAX_CHARS + 1024;
export const input = new Uint8Array(IN_CAP);
export function mem_in_ptr(): usize { return input.dataStart; }
export function mem_linear_bytes(): i32 { return <i32>memory.size() << 16; }
/** The allocator's current top (stub runtime): differences are bytes allocated. */
export function heap_mark(): usize { return changetype<usize>(new ArrayBuffer(0)); }

class ZeroRng extends Rng {
  next(): u32 { return 0; }
}

function cfg(): DeviceConfig {
  return parseDeviceConfig('{"issuer":"https://as.example","device_authorization_endpoint":"https://as.example/device",' +
    '"token_endpoint":"https://as.example/token","client_id":"tv-1"}');
}

function answer(len: i32): HttpResponse {
  const r = new HttpResponse();
  r.status = 200;
  r.contentType = "application/json";
  const b = new Uint8Array(len);
  memory.copy(b.dataStart, input.dataStart, <usize>len);
  r.bytes = b;
  return r;
}

const CODE = '{"device_code":"d","user_code":"BCDFGHJK","verification_uri":"https://as.example/device","expires_in":600,"interval":5}';

// Each endpoint's state is set up by mem_setup_<endpoint>() (not measured);
// mem_<endpoint>(len) then handles one answer of len bytes at in_ptr().
let flow: DeviceFlow | null = null;
let life: TokenLifecycle | null = null;
let discoveryCfg: DeviceConfig | null = null;

export function mem_setup_device(): void {
  const f = new DeviceFlow(cfg(), new ZeroRng());
  f.begin(0);
  f.due(0);
  flow = f;
}

/** 1 when the answer was used (code shown, linked, tokens to persist, endpoints filled, answer spoken), 0 when refused with a reason, -1 otherwise. */
export function mem_device(len: i32): i32 {
  const f = flow!;
  f.onResponse(answer(len), 0);
  return f.state == LinkState.AwaitingApproval ? 1 : (f.message.length > 0 ? 0 : -1);
}

export function mem_setup_token(): void {
  const f = new DeviceFlow(cfg(), new ZeroRng());
  f.begin(0);
  f.due(0);
  f.onResponse(HttpResponse.of(200, CODE), 0);
  f.due(f.nextDeadline());
  flow = f;
}

export function mem_token(len: i32): i32 {
  const f = flow!;
  f.onResponse(answer(len), f.nextDeadline());
  return f.state == LinkState.Linked ? 1 : (f.state == LinkState.AwaitingApproval || f.message.length > 0 ? 0 : -1);
}

export function mem_setup_refresh(): void {
  const l = new TokenLifecycle(cfg(), new ZeroRng());
  const t = new TokenSet();
  t.accessToken = "AT";
  t.refreshToken = "RT";
  t.tokenType = "Bearer";
  t.expiresIn = 100;
  l.adopt(l.recordFrom(t, 1800000000, null), 0, 1800000000, true);
  l.refreshNow(0);
  l.check(0);
  life = l;
}

export function mem_refresh(len: i32): i32 {
  const l = life!;
  const act = l.onResponse(answer(len), 10, 1800000000);
  return act == TokenAction.Persist ? 1 : (l.reason.length > 0 ? 0 : -1);
}

export function mem_setup_discovery(): void {
  discoveryCfg = parseDeviceConfig('{"issuer":"https://as.example","client_id":"tv-1"}');
}

export function mem_discovery(len: i32): i32 {
  const c = discoveryCfg!;
  c.deviceAuthorizationEndpoint = "";
  c.tokenEndpoint = "";
  const doc = parseBody(answer(len));
  if (doc === null) return 0;
  return applyDiscovery(c, doc).length == 0 ? 1 : 0;
}

export function mem_setup_action(): void {}

export function mem_action(len: i32): i32 {
  const r = parseActionResponse(answer(len).bytes);
  return r.ok ? 1 : (r.error.length > 0 ? 0 : -1);
}

/** Drops everything the last answer left (the firmware does this at the end of every entry). */
export function mem_collect(): void {
  flow = null;
  life = null;
  __collect();
}

// The one state the device is in, computed from its controllers' states,
// never from what was announced last. The names are those the board's
// `state_set` announces (boards/ABI.md); the enum is what code compares.
import { LinkState } from "./auth/device_flow";
import { TokenState } from "./auth/tokens";
import { DiscoveryState } from "./auth/discovery";

export const enum DeviceState {
  Booting = 0,
  RequestingCode = 1,
  AwaitingApproval = 2,
  Backoff = 3,
  Linked = 4,
  Refreshing = 5,
  Expired = 6,
  Denied = 7,
  CodeExpired = 8,
  Unlinking = 9,
  Unlinked = 10,
  Error = 11,
}

const NAMES: string[] = [
  "booting", "requesting_code", "awaiting_approval", "backoff", "linked", "refreshing",
  "expired", "denied", "code_expired", "unlinking", "unlinked", "error",
];

export function stateName(s: DeviceState): string {
  const i = <i32>s;
  return i >= 0 && i < NAMES.length ? NAMES[i] : "error";
}

/** What the controllers say; the inputs of deviceState(). */
export class ControllerStates {
  configOk: bool = false;
  discovery: DiscoveryState = DiscoveryState.Idle;
  flow: LinkState = LinkState.Unlinked;
  linked: bool = false;
  tokens: TokenState = TokenState.None;
  unlinking: bool = false;
}

export function deviceState(c: ControllerStates): DeviceState {
  if (!c.configOk) return DeviceState.Error;
  if (c.unlinking) return DeviceState.Unlinking;
  const d = c.discovery;
  if (c.linked) {
    // Linked, but the endpoints (token, revocation) are not known yet.
    if (d == DiscoveryState.Fetching || d == DiscoveryState.Backoff) return DeviceState.Booting;
    if (d == DiscoveryState.Failed) return DeviceState.Error;
    if (c.tokens == TokenState.Expired) return DeviceState.Expired;
    if (c.tokens == TokenState.Refreshing) return DeviceState.Refreshing;
    return DeviceState.Linked;
  }
  if (d == DiscoveryState.Fetching) return DeviceState.RequestingCode;
  if (d == DiscoveryState.Backoff) return DeviceState.Backoff;
  if (d == DiscoveryState.Failed) return DeviceState.Error;
  switch (c.flow) {
    case LinkState.RequestingCode: return DeviceState.RequestingCode;
    case LinkState.AwaitingApproval: return DeviceState.AwaitingApproval;
    case LinkState.Backoff: return DeviceState.Backoff;
    case LinkState.Linked: return DeviceState.Linked;
    case LinkState.Denied: return DeviceState.Denied;
    case LinkState.CodeExpired: return DeviceState.CodeExpired;
    case LinkState.Error: return DeviceState.Error;
    default: return DeviceState.Unlinked;
  }
}

/** The reasons each controller holds; reasonFor picks the one a state shows. */
export class Reasons {
  config: string = "";
  discovery: string = "";
  flow: string = "";
  unlinked: string = "";
  tokens: string = "";
}

/** Why the device is in state `s` ("" when the state needs no reason). */
export function reasonFor(s: DeviceState, configOk: bool, discovery: DiscoveryState, r: Reasons): string {
  if (s == DeviceState.Error) return !configOk ? r.config : (discovery == DiscoveryState.Failed ? r.discovery : r.flow);
  if (s == DeviceState.Backoff || s == DeviceState.Booting) return discovery == DiscoveryState.Backoff ? r.discovery : r.flow;
  if (s == DeviceState.Unlinked) return r.unlinked;
  if (s == DeviceState.Expired) return r.tokens;
  return "";
}
